// The KoSIT-style validation pipeline on the JVM, as the peer figure for konform's whole-process
// timing: XSD validation with the JDK's validator, then each Schematron stage (compiled to XSLT by
// sch2xslt.py) run with Saxon-HE on the parsed document. One document per process, as a CI job
// or a command-line user runs it. Prints the XSD error count and the fired rule ids.
//
// usage: java -cp Saxon-HE.jar:DIR JvmPipeline SCHEMA.xsd DOC.xml STAGE.xsl...
import java.io.File;
import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.Xslt30Transformer;
import net.sf.saxon.s9api.XsltCompiler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

public class JvmPipeline {
    public static void main(String[] args) throws Exception {
        File doc = new File(args[1]);
        final int[] errors = {0};
        Validator validator = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(new File(args[0])).newValidator();
        validator.setErrorHandler(new ErrorHandler() {
            public void warning(SAXParseException e) {}
            public void error(SAXParseException e) { errors[0]++; }
            public void fatalError(SAXParseException e) throws SAXParseException { throw e; }
        });
        validator.validate(new StreamSource(doc));
        System.out.println("xsd errors: " + errors[0]);
        Processor saxon = new Processor(false);
        XsltCompiler compiler = saxon.newXsltCompiler();
        XdmNode tree = saxon.newDocumentBuilder().build(doc);
        for (int i = 2; i < args.length; i++) {
            Xslt30Transformer stage = compiler.compile(new StreamSource(new File(args[i]))).load30();
            stage.setGlobalContextItem(tree);
            StringWriter fired = new StringWriter();
            stage.applyTemplates(tree, saxon.newSerializer(fired));
            System.out.println(fired.toString().trim().replaceAll("\\s+", " "));
        }
    }
}
