#!/bin/sh
# Prints the command lines of a Markdown file's block between a line starting with
# `<!-- ci:commands` and the line `<!-- /ci:commands -->`: fence lines, comments (`#`) and blank
# lines are left out. .ci/run runs what this prints, so CI runs the README's commands as written.
#
# usage: .ci/readme-commands.sh README.md
set -eu
awk '
  /^<!-- \/ci:commands -->/ { inside = 0; next }
  /^<!-- ci:commands/       { inside = 1; next }
  inside && /^```/          { next }
  inside && /^[ \t]*#/      { next }
  inside && /^[ \t]*$/      { next }
  inside                    { print }
' "$1"
