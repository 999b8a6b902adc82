// File: kit/batch_listener.h
//
// The whole program of a batch notifier (crashmailbatch, fatalmailbatch,
// crashsms), around its BatchKind: the command line (kit/batch_mail_options.h),
// the mail transport, the stop signals and the event loop. Nothing but the
// protocol (and --help / --version) ever goes to stdout.
//
// Exit statuses, as upstream: 0 after --help or --version; 2 with
// optparse's `Usage: ... error: ...` on stderr for a bad command line; 1
// with the help on stdout when -t or -f is missing or empty; 1 with `Must
// run as a supervisor event listener` when SUPERVISOR_SERVER_URL is not set;
// 1 with one line for a bad -e or an unusable transport. At EOF the lines
// kept are mailed (kStopGrace, 8 s, at most, webhooks included) and the status is 0; SIGTERM,
// SIGINT or SIGHUP do the same, then exit 128 + the signal
// (kit/stop_signals.h); a closed stdout gives one line and status 1.
//
// Mail goes through SMTP: --smtp URL, else -H. --tls requires STARTTLS; so
// does a login (-u), unless --allow-plaintext-auth. The certificate is
// verified against --tls-ca-file or the system's CAs unless --tls-no-verify.
// The password is -p, else the environment's SMTP_PASSWORD. With --sendmail
// the command is used instead, and the SMTP options are ignored.
//
// Example (a listener's whole main()):
//
//   int main(int argc, char* argv[]) {
//     return svl::kit::RunBatchListener(argc, argv, svl::crashsms::CrashsmsKind());
//   }

#ifndef SVL_KIT_BATCH_LISTENER_H_
#define SVL_KIT_BATCH_LISTENER_H_

#include "kit/batch_mail_options.h"
#include "kit/batch_notifier.h"
#include "mailer/smtp_mailer.h"

namespace svl {
namespace kit {

// SmtpConfigFor() is the SMTP transport the options ask for (see the top);
// `password` is the one to use (-p or SMTP_PASSWORD).
mailer::SmtpConfig SmtpConfigFor(const BatchMailOptions& options, const std::string& password);

// RunBatchListener() runs the batch notifier `kind` with main()'s arguments
// and returns its exit status (see the top).
int RunBatchListener(int argc, char* argv[], const BatchKind& kind);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_BATCH_LISTENER_H_
