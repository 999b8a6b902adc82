// crashsms: a supervisord event listener that short mails (for an e-mail-to-SMS gateway), in batches, when supervisord processes exit unexpectedly.
// Everything but its BatchKind (crashsms.h) is the kit's: kit/batch_listener.h
// says what it does and how it exits.
#include "crashsms/crashsms.h"
#include "kit/batch_listener.h"

int main(int argc, char* argv[]) {
  return svl::kit::RunBatchListener(argc, argv, svl::crashsms::CrashsmsKind());
}
