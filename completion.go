package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// The completion scripts ask the binary itself for the words that may come
// next (urfave/cli's --generate-bash-completion), so they never go stale.
const (
	bashCompletion = `# lmibench completion for bash: source <(lmibench completion bash)
_lmibench_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local IFS=$'\n'
  COMPREPLY=($(compgen -W "$("${words[0]}" "${words[@]:1}" ${cur:+"$cur"} --generate-bash-completion 2>/dev/null)" -- "$cur"))
}
complete -o default -F _lmibench_complete lmibench
`
	zshCompletion = `#compdef lmibench
# lmibench completion for zsh: source <(lmibench completion zsh)
_lmibench() {
  local -a opts
  opts=("${(@f)$(${words[1]} ${words[@]:1:$CURRENT-2} ${words[CURRENT]:+${words[CURRENT]}} --generate-bash-completion 2>/dev/null)}")
  compadd -a opts
}
compdef _lmibench lmibench
`
)

func completionCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:         "completion",
		Usage:        "print a shell completion script: bash, zsh or fish",
		ArgsUsage:    "bash|zsh|fish",
		Description:  "bash: source <(lmibench completion bash)\nzsh:  source <(lmibench completion zsh)\nfish: lmibench completion fish | source",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			var script string
			switch shell := c.Args().First(); shell {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return &exitError{code: exitFailure, err: err}
				}
				script = s
			default:
				return badInput("completion: want bash, zsh or fish, got %q", shell)
			}
			_, err := fmt.Fprint(stdout, script)
			return err
		},
	}
}
