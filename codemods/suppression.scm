; Comments that may suppress findings: `// infrafix-ignore: RULE` and `// infrafix-ignore-file: RULE`
; (`#` in HCL). Run over TypeScript and HCL alike.
((comment) @comment
  (#match? @comment "infrafix-ignore"))
