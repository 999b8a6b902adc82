#include "kit/command_line.h"

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace svl {
namespace kit {
namespace {

// The result of looking up a long name: one row, or none, or several.
struct LongMatch {
  const OptionSpec* option = nullptr;
  std::vector<const OptionSpec*> candidates;  // when ambiguous
};

// MatchLongName() applies OptionSpec::precedence's rule to `name` (without
// "--").
LongMatch MatchLongName(absl::string_view name, absl::Span<const OptionSpec> table) {
  LongMatch match;
  for (const OptionSpec& option : table) {
    if (!option.long_name.empty() && option.long_name == name) {
      match.option = &option;
      return match;
    }
  }
  std::set<int> precedences;
  for (const OptionSpec& option : table) {
    if (!option.long_name.empty()) precedences.insert(option.precedence);
  }
  for (int precedence : precedences) {
    for (const OptionSpec& option : table) {
      if (option.precedence == precedence && !option.long_name.empty() &&
          absl::StartsWith(option.long_name, name)) {
        match.candidates.push_back(&option);
      }
    }
    if (match.candidates.size() == 1) {
      match.option = match.candidates[0];
      match.candidates.clear();
      return match;
    }
    if (!match.candidates.empty()) return match;
  }
  return match;
}

const OptionSpec* FindShort(char letter, absl::Span<const OptionSpec> table) {
  if (letter == '\0') return nullptr;
  for (const OptionSpec& option : table) {
    if (option.short_name == letter) return &option;
  }
  return nullptr;
}

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

// The parser's state: the elements and where it is.
class Parser {
 public:
  Parser(absl::Span<const std::string> args, absl::Span<const OptionSpec> table,
         OptionSyntax syntax)
      : args_(args), table_(table), getopt_(syntax == OptionSyntax::kGetopt) {}

  absl::StatusOr<ParsedCommandLine> Run() {
    while (next_ < args_.size()) {
      const std::string& arg = args_[next_];
      if (arg == "--") {
        ++next_;
        break;
      }
      const bool is_option = arg.size() >= 2 && arg[0] == '-';
      if (!is_option) {
        if (getopt_) break;  // the first positional ends the options
        result_.positionals.push_back(arg);
        ++next_;
        continue;
      }
      ++next_;
      absl::Status status = arg[1] == '-' ? Long(arg) : ShortCluster(arg);
      if (!status.ok()) return status;
      if (ended_) return std::move(result_);
    }
    for (; next_ < args_.size(); ++next_) result_.positionals.push_back(args_[next_]);
    return std::move(result_);
  }

 private:
  // Long() handles "--name" or "--name=value" (the element already taken).
  absl::Status Long(const std::string& arg) {
    const std::size_t eq = arg.find('=');
    const bool has_value = eq != std::string::npos;
    const std::string spelling = arg.substr(0, eq);
    const absl::string_view name = absl::string_view(spelling).substr(2);
    LongMatch match = MatchLongName(name, table_);
    if (match.option == nullptr) {
      if (match.candidates.empty()) {
        return Invalid(getopt_ ? absl::StrCat("option ", spelling, " not recognized")
                               : absl::StrCat("no such option: ", spelling));
      }
      if (getopt_) return Invalid(absl::StrCat("option ", spelling, " not a unique prefix"));
      std::vector<std::string> names;
      for (const OptionSpec* candidate : match.candidates) {
        names.push_back(absl::StrCat("--", candidate->long_name));
      }
      std::sort(names.begin(), names.end());
      return Invalid(
          absl::StrCat("ambiguous option: ", spelling, " (", absl::StrJoin(names, ", "), "?)"));
    }
    const OptionSpec& option = *match.option;
    const std::string canonical = absl::StrCat("--", option.long_name);
    std::string value;
    if (option.takes_value) {
      if (has_value) {
        value = arg.substr(eq + 1);
      } else if (next_ < args_.size()) {
        value = args_[next_++];
      } else {
        return MissingValue(spelling, canonical);
      }
    } else if (has_value) {
      return Invalid(getopt_ ? absl::StrCat("option ", spelling, " must not have an argument")
                             : absl::StrCat(canonical, " option does not take a value"));
    }
    Add(option, canonical, spelling, std::move(value));
    return absl::OkStatus();
  }

  // ShortCluster() handles "-abc", "-pvalue" (the element already taken).
  absl::Status ShortCluster(const std::string& arg) {
    for (std::size_t k = 1; k < arg.size(); ++k) {
      const std::string name = absl::StrCat("-", arg.substr(k, 1));
      const OptionSpec* option = FindShort(arg[k], table_);
      if (option == nullptr) {
        return Invalid(getopt_ ? absl::StrCat("option ", name, " not recognized")
                               : absl::StrCat("no such option: ", name));
      }
      if (!option->takes_value) {
        Add(*option, name, name, "");
        if (ended_) return absl::OkStatus();
        continue;
      }
      std::string value;
      if (k + 1 < arg.size()) {
        value = arg.substr(k + 1);
      } else if (next_ < args_.size()) {
        value = args_[next_++];
      } else {
        return MissingValue(name, name);
      }
      Add(*option, name, name, std::move(value));
      return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  absl::Status MissingValue(absl::string_view spelling, absl::string_view canonical) {
    return Invalid(getopt_ ? absl::StrCat("option ", spelling, " requires an argument")
                           : absl::StrCat(canonical, " option requires 1 argument"));
  }

  void Add(const OptionSpec& option, std::string name, std::string spelling, std::string value) {
    result_.options.push_back(
        OptionOccurrence{option.id, std::move(name), std::move(spelling), std::move(value)});
    if (option.ends_parsing) ended_ = true;
  }

  const absl::Span<const std::string> args_;
  const absl::Span<const OptionSpec> table_;
  const bool getopt_;
  std::size_t next_ = 0;
  bool ended_ = false;
  ParsedCommandLine result_;
};

}  // namespace

bool ParsedCommandLine::Has(int id) const {
  return std::any_of(options.begin(), options.end(),
                     [id](const OptionOccurrence& option) { return option.id == id; });
}

std::vector<std::string> ParsedCommandLine::Values(int id) const {
  std::vector<std::string> values;
  for (const OptionOccurrence& option : options) {
    if (option.id == id) values.push_back(option.value);
  }
  return values;
}

absl::StatusOr<ParsedCommandLine> ParseCommandLine(absl::Span<const std::string> args,
                                                   absl::Span<const OptionSpec> table,
                                                   OptionSyntax syntax) {
  return Parser(args, table, syntax).Run();
}

absl::StatusOr<ParsedCommandLine> ParseCommandLine(int argc, const char* const argv[],
                                                   absl::Span<const OptionSpec> table,
                                                   OptionSyntax syntax) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return ParseCommandLine(args, table, syntax);
}

std::string OptparseErrorReport(absl::string_view argv0, absl::string_view message) {
  const std::size_t slash = argv0.rfind('/');
  const absl::string_view program =
      slash == absl::string_view::npos ? argv0 : argv0.substr(slash + 1);
  return absl::StrCat("Usage: ", program, " [options]\n\n", program, ": error: ", message, "\n");
}

}  // namespace kit
}  // namespace svl
