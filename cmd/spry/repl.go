package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"

	"github.com/spry-engine/spry/sql"
)

const helpText = `The following commands are available:

CLEAR		Clears the current terminal.
HELP		Prints the available commands.
QUIT/EXIT	Quits the SQL client.
SET		Sets a session configuration property. Syntax: "SET '<key>'='<value>';". Use "SET;" for listing all properties.
RESET		Resets a session configuration property. Syntax: "RESET '<key>';". Use "RESET;" for reset all session properties.

Any Flink SQL statement ending with ';' is executed: CREATE/DROP TABLE, VIEW and FUNCTION,
SHOW TABLES/VIEWS/FUNCTIONS, DESCRIBE, EXPLAIN, SELECT, INSERT INTO/OVERWRITE,
EXECUTE STATEMENT SET BEGIN ... END;
Press Ctrl-C to cancel a running query, Ctrl-D to quit.
`

// repl runs the interactive read-eval-print loop.
func (c *client) repl() error {
	c.interactive = true
	home, _ := os.UserHomeDir()
	rl, err := readline.NewEx(&readline.Config{
		Prompt:          "Spry SQL> ",
		HistoryFile:     filepath.Join(home, ".spry_history"),
		InterruptPrompt: "^C",
		EOFPrompt:       "exit",
		// A statement may span lines; history keeps it as one entry.
		DisableAutoSaveHistory: true,
	})
	if err != nil {
		return &exitError{1, err}
	}
	defer rl.Close()
	fmt.Fprintf(c.out, "Spry %s SQL client. Type 'help;' for help, 'quit;' to leave.\n\n", Version)
	var buf strings.Builder
	for {
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			buf.Reset()
			rl.SetPrompt("Spry SQL> ")
			continue
		}
		if err == io.EOF {
			fmt.Fprintln(c.out, "\nShutting down the session...\ndone.")
			return nil
		}
		if err != nil {
			return &exitError{1, err}
		}
		if buf.Len() > 0 {
			buf.WriteByte('\n')
		}
		buf.WriteString(line)
		text := buf.String()
		if strings.TrimSpace(text) == "" {
			buf.Reset()
			continue
		}
		if isClientCommand(text) {
			buf.Reset()
			if c.command(text) {
				fmt.Fprintln(c.out, "Shutting down the session...\ndone.")
				return nil
			}
			continue
		}
		if !sql.IsComplete(text) {
			rl.SetPrompt("> ")
			continue
		}
		buf.Reset()
		rl.SetPrompt("Spry SQL> ")
		_ = rl.SaveHistory(strings.ReplaceAll(text, "\n", " "))
		for _, stmt := range sql.SplitStatements(text) {
			if quit := c.command(stmt); quit {
				fmt.Fprintln(c.out, "Shutting down the session...\ndone.")
				return nil
			}
		}
	}
}

// isClientCommand reports whether text is one of the client's own
// commands, which need no terminating ';'.
func isClientCommand(text string) bool {
	switch strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(text), ";")) {
	case "HELP", "QUIT", "EXIT", "CLEAR":
		return true
	}
	return false
}

// command runs a client command or a SQL statement; it reports quit.
func (c *client) command(stmt string) bool {
	word := strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(stmt), ";"))
	switch word {
	case "":
		return false
	case "QUIT", "EXIT":
		return true
	case "HELP":
		fmt.Fprint(c.out, helpText)
		return false
	case "CLEAR":
		fmt.Fprint(c.out, "\033[H\033[2J")
		return false
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c.runOne(ctx, stmt)
	fmt.Fprintln(c.out)
	return false
}
