# Print the body of the first fenced block of kind LANG in a Markdown file
# or, with AFTER set, of the first such block after the first block of kind
# AFTER (the ```text that shows what an example prints).
#
# usage: awk -v lang=python -f block.awk README.md
#        awk -v lang=text -v after=python -f block.awk README.md
BEGIN { armed = (after == "") }
!armed && !skipping && $0 ~ ("^```" after "[[:space:]]*$") { skipping = 1; next }
skipping && /^```[[:space:]]*$/ { skipping = 0; armed = 1; next }
skipping { next }
armed && !inblock && $0 ~ ("^```" lang "[[:space:]]*$") { inblock = 1; next }
inblock && /^```[[:space:]]*$/ { exit }
inblock { print }
