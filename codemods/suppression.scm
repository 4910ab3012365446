; Comments that may suppress findings: `// infrafix-ignore: RULE` and `// infrafix-ignore-file: RULE`.
((comment) @comment
  (#match? @comment "infrafix-ignore"))
