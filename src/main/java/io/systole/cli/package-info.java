/** The {@code systole} command line: one subcommand per job, {@code --help} on each. */
package io.systole.cli;
