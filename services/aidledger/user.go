package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/aidledger/aidledger/services/auth"
)

// UserCmd groups the web interface's account subcommands.
type UserCmd struct {
	Create   UserCreateCmd   `cmd:"" help:"Create a web user; the password is asked for on a terminal, else read from the first line of stdin."`
	Password UserPasswordCmd `cmd:"" help:"Set a web user's password (unlocks the account, ends its sessions)."`
	Disable  UserDisableCmd  `cmd:"" help:"Stop a web user from signing in (ends their sessions)."`
	Enable   UserEnableCmd   `cmd:"" help:"Let a disabled web user sign in again."`
	List     UserListCmd     `cmd:"" help:"List the web users, with their last sign-in."`
}

// UserCreateCmd creates a web user.
type UserCreateCmd struct {
	DatabaseFlags
	Role    string `required:"" enum:"admin,recorder,auditor,partner" help:"admin, recorder, auditor or partner."`
	Donor   string `help:"Donor code a recorder writes for." xor:"scope"`
	Partner string `help:"Partner county code a partner reads and confirms receipts for." xor:"scope"`
	Name    string `required:"" help:"Who the user is; recorded as the actor of everything they record."`
	Login   string `help:"What the user signs in with (default: the name)."`
}

// Run creates the user with the password read by readPassword.
func (c *UserCreateCmd) Run(ctx context.Context, log *slog.Logger) error {
	login := c.Login
	if login == "" {
		login = c.Name
	}
	password, err := readPassword("password for " + login)
	if err != nil {
		return err
	}
	s, err := openLedger(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer s.Close()
	u := auth.User{Login: login, Principal: auth.Principal{Name: c.Name, Role: auth.Role(c.Role), DonorCode: c.Donor, PartnerCode: c.Partner}}
	if err := auth.NewUsers(s.db.Pool).Create(ctx, cliPrincipal(), u, password); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created user %s (%s)\n", login, u.Actor())
	return nil
}

// UserPasswordCmd sets a user's password.
type UserPasswordCmd struct {
	DatabaseFlags
	Login string `arg:"" help:"The user's login."`
}

// Run sets the password read by readPassword.
func (c *UserPasswordCmd) Run(ctx context.Context, log *slog.Logger) error {
	password, err := readPassword("new password for " + c.Login)
	if err != nil {
		return err
	}
	s, err := openLedger(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer s.Close()
	return auth.NewUsers(s.db.Pool).SetPassword(ctx, cliPrincipal(), c.Login, password)
}

// UserDisableCmd disables a user.
type UserDisableCmd struct {
	DatabaseFlags
	Login string `arg:"" help:"The user's login."`
}

// Run disables the user.
func (c *UserDisableCmd) Run(ctx context.Context, log *slog.Logger) error {
	return withUsers(ctx, c.DatabaseFlags, log, func(us *auth.Users) error { return us.Disable(ctx, cliPrincipal(), c.Login) })
}

// UserEnableCmd enables a user.
type UserEnableCmd struct {
	DatabaseFlags
	Login string `arg:"" help:"The user's login."`
}

// Run enables the user.
func (c *UserEnableCmd) Run(ctx context.Context, log *slog.Logger) error {
	return withUsers(ctx, c.DatabaseFlags, log, func(us *auth.Users) error { return us.Enable(ctx, cliPrincipal(), c.Login) })
}

// UserListCmd lists the users.
type UserListCmd struct {
	DatabaseFlags
	JSON bool `name:"json" help:"Print JSON."`
}

// Run prints the users.
func (c *UserListCmd) Run(ctx context.Context, log *slog.Logger) error {
	return withUsers(ctx, c.DatabaseFlags, log, func(us *auth.Users) error {
		list, err := us.List(ctx)
		if err != nil {
			return err
		}
		if c.JSON {
			return printJSON(list)
		}
		for _, u := range list {
			state := "active"
			switch {
			case u.DisabledAt != nil:
				state = "disabled"
			case u.ThrottledUntil != nil:
				state = "sign-in throttled until " + u.ThrottledUntil.Local().Format(time.DateTime)
			}
			fmt.Printf("%-20s %-28s %-10s last sign-in %s\n", u.Login, u.Actor(), state, when(u.LastSignIn))
		}
		return nil
	})
}

// withUsers runs f on the user service of the database of flags.
func withUsers(ctx context.Context, flags DatabaseFlags, log *slog.Logger, f func(*auth.Users) error) error {
	db, err := openDatabase(ctx, flags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return f(auth.NewUsers(db.Pool))
}

// cliPrincipal is who acts when an administrator uses the command line.
func cliPrincipal() auth.Principal {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return auth.CommandLine(name)
}

// when is a time for a list ("never" for none).
func when(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Local().Format(time.DateTime)
}

// readPassword asks for a password twice, without echo, when stdin is a
// terminal; otherwise it reads the first line of stdin (for scripts).
func readPassword(prompt string) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from stdin: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	ask := func(p string) (string, error) {
		fmt.Fprint(os.Stderr, p+": ")
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		return string(b), err
	}
	first, err := ask(prompt)
	if err != nil {
		return "", err
	}
	again, err := ask("again")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", errors.New("the two passwords differ")
	}
	return first, nil
}
