// File: kit/command_line.h
//
// A listener's command line, parsed from a table of its options the way
// Python's getopt or optparse parses it, so that every command line the
// Python listener accepts means the same here, and every one it rejects is
// rejected with the same kind of one-line message.
//
// Both syntaxes share:
//   - short options may be clustered (`-ae`) and take attached values
//     (`-pfoo`) or the next element (`-p foo`), even one starting with '-';
//   - long options take `--name=value` or `--name value`, and may be
//     abbreviated to a unique prefix (see OptionSpec::precedence);
//   - `--` ends the options; every later element is a positional argument.
// They differ in:
//   - kGetopt (Python getopt, GNU getopt_long with a leading '+'): parsing
//     stops at the first positional argument (`-` counts as one), which and
//     everything after it is positional;
//   - kOptparse (Python optparse): positional arguments may come between
//     options, and parsing goes on after them.
//
// Example:
//
//   enum Id { kHelp, kProgram, kAny };
//   constexpr OptionSpec kOptions[] = {
//       {kHelp, 'h', "help", false},
//       {kProgram, 'p', "program", true},
//       {kAny, 'a', "any", false},
//   };
//   absl::StatusOr<ParsedCommandLine> line =
//       ParseCommandLine(argc, argv, kOptions, OptionSyntax::kGetopt);
//   if (!line.ok()) { print line.status().message() and the usage; exit(255); }
//   for (const OptionOccurrence& option : line->options) {
//     switch (option.id) { case kProgram: programs.push_back(option.value); ... }
//   }

#ifndef SVL_KIT_COMMAND_LINE_H_
#define SVL_KIT_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace svl {
namespace kit {

// OptionSyntax says whose rules ParseCommandLine() follows (see the top).
enum class OptionSyntax {
  kGetopt,
  kOptparse,
};

// OptionSpec is one row of a listener's option table.
struct OptionSpec {
  // What the listener switches on; returned in OptionOccurrence::id. Rows
  // may share an id (aliases).
  int id = 0;
  // The short letter (`-p`), or '\0' for a long-only option.
  char short_name = '\0';
  // The long name without "--" (`program`), or "" for a short-only option.
  absl::string_view long_name;
  // Whether the option takes a value.
  bool takes_value = false;
  // How an abbreviation is resolved. An exact long name always wins. Else a
  // prefix means the option it abbreviates uniquely among the options of the
  // lowest precedence that has any option starting with it; several there
  // make it ambiguous, none means the next precedence is tried. So options
  // added later, with a higher precedence, never change what an older
  // abbreviation meant. With every row at 0 (the default) this is plain
  // getopt's and optparse's unique-prefix rule.
  int precedence = 0;
  // When set, parsing ends at this option (as optparse's help action exits
  // where it is reached): the elements after it are neither checked nor
  // returned.
  bool ends_parsing = false;
};

// OptionOccurrence is one option found on the command line.
struct OptionOccurrence {
  int id = 0;            // OptionSpec::id of the matched row
  std::string name;      // canonical: "-p", or "--program" for any long spelling
  std::string spelling;  // as written, without any "=value": "-p", "--prog"
  std::string value;     // the value ("" for an option without one)
};

// ParsedCommandLine is what ParseCommandLine() found, in command-line order.
struct ParsedCommandLine {
  std::vector<OptionOccurrence> options;
  std::vector<std::string> positionals;

  // Has() says whether an option with `id` occurred.
  bool Has(int id) const;
  // Values() gives the values of every occurrence of `id`, in order.
  std::vector<std::string> Values(int id) const;
};

// ParseCommandLine()
//
// Parses `args` (the command line without the program name) against `table`.
// Errors are kInvalidArgument with one line naming the option as written.
//   kGetopt:
//     "option -x not recognized", "option --bogus not recognized",
//     "option --e not a unique prefix", "option --any must not have an argument",
//     "option -p requires an argument", "option --prog requires an argument".
//   kOptparse (optparse's own texts; names are canonical except in the first):
//     "no such option: -x", "no such option: --bogus",
//     "ambiguous option: --t (--tickEvent, --tls, --toEmail?)" (candidates
//     sorted bytewise), "-t option requires 1 argument",
//     "--toEmail option requires 1 argument", "--tls option does not take a value".
// The first error in command-line order is reported. Values are not
// interpreted: the listener converts them, in order, from the result.
absl::StatusOr<ParsedCommandLine> ParseCommandLine(absl::Span<const std::string> args,
                                                   absl::Span<const OptionSpec> table,
                                                   OptionSyntax syntax);

// ParseCommandLine() on main()'s argc/argv; argv[0] is skipped. Reads argv
// only (unlike getopt, it neither permutes argv nor keeps global state).
absl::StatusOr<ParsedCommandLine> ParseCommandLine(int argc, const char* const argv[],
                                                   absl::Span<const OptionSpec> table,
                                                   OptionSyntax syntax);

// OptparseErrorReport() is what optparse writes to stderr (before exiting 2)
// for the error `message`, given argv[0]:
// "Usage: PROG [options]\n\nPROG: error: MESSAGE\n", PROG being the last
// '/'-separated part of argv0.
std::string OptparseErrorReport(absl::string_view argv0, absl::string_view message);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_COMMAND_LINE_H_
