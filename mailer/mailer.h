// File: mailer/mailer.h
//
// The delivery interface shared by the sendmail and SMTP transports.

#ifndef SVL_MAILER_MAILER_H_
#define SVL_MAILER_MAILER_H_

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "mailer/message.h"

namespace svl {
namespace mailer {

// Mailer sends one message.
class Mailer {
 public:
  virtual ~Mailer() = default;

  // Send() delivers one message, or says precisely why it could not (which
  // command or server, and what it answered). Never throws, never raises
  // SIGPIPE, never blocks past the transport's deadline.
  ABSL_MUST_USE_RESULT virtual absl::Status Send(const Message& message) = 0;
};

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_MAILER_H_
