// File: mailer/sendmail_mailer.h
//
// Delivery through an administrator's sendmail command. The command is a
// shell command by contract (superlance runs `-s` through /bin/sh -c, and
// people use `cat - > /dev/null`), so it is run as `/bin/sh -c <command>`,
// but no message data ever goes into the command line: FormatMessage(message)
// goes to the command's stdin only.
//
// The exit status is checked; a command that does not finish within the
// deadline is killed (SIGKILL to its process group); an early close of stdin
// (EPIPE) is an error, not a crash; the command's stderr is captured (first
// 4 KiB) into the error.
//
// Example:
//
//   SendmailMailer mailer("/usr/sbin/sendmail -t -i", absl::Seconds(30));
//   absl::Status s = mailer.Send(message);
//   // e.g. kInternal: "sendmail command '/usr/sbin/sendmail -t -i' exited
//   //      with status 1: <its stderr>"

#ifndef SVL_MAILER_SENDMAIL_MAILER_H_
#define SVL_MAILER_SENDMAIL_MAILER_H_

#include <string>

#include "absl/time/time.h"
#include "mailer/mailer.h"

namespace svl {
namespace mailer {

inline constexpr char kDefaultSendmailCommand[] = "/usr/sbin/sendmail -t -i";

class SendmailMailer : public Mailer {
 public:
  SendmailMailer(std::string command, absl::Duration deadline);

  absl::Status Send(const Message& message) override;

 private:
  std::string command_;
  absl::Duration deadline_;
};

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_SENDMAIL_MAILER_H_
