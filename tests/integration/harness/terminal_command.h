// Runs a program with its stderr on a pseudo-terminal, as when someone runs
// it from a shell: isatty(2) holds in it, so it may draw what it draws only
// for people (a progress bar redrawn in place with '\r'). Its stdout goes
// to a file, so the report and the terminal's bytes are told apart.
//
//   TerminalCommandResult r = RunCommandWithStderrOnTerminal(
//       {MEMWATCH_BINARY, "doctor", url, "--scan-time", "1s"});
//   // r.output: the report; r.terminal: every byte written to the terminal
//
// The terminal is raw (cfmakeraw: no "\n" -> "\r\n", no echo), 80x24, and
// the program's controlling terminal in a session of its own (forkpty), so
// the test's own terminal, if any, is untouched. As ChildProcess: execve
// without PATH search, stdin from /dev/null, no descriptor but 0-2, killed
// with the test binary (PR_SET_PDEATHSIG), always reaped by its own pid.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace memwatch::testing {

struct TerminalCommandResult {
  int exit_code = -1;    // or 128 + the signal that ended it
  std::string output;    // stdout
  std::string terminal;  // stderr, as the terminal received it
  bool timed_out = false;
};

// Runs argv (argv[0] a path) to completion, at most `timeout` (then it is
// killed and timed_out is set). Reads the terminal until every writer has
// closed it, so nothing written before the exit is lost. Throws
// std::runtime_error when no terminal or process can be had.
TerminalCommandResult RunCommandWithStderrOnTerminal(
    const std::vector<std::string>& argv,
    std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace memwatch::testing
