#!/bin/sh
# Defect: waits forever.
sleep 30
