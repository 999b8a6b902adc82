// crashmailbatch: a supervisord event listener that mails, in batches, when supervisord processes exit unexpectedly.
// Everything but its BatchKind (crashmailbatch.h) is the kit's: kit/batch_listener.h
// says what it does and how it exits.
#include "crashmailbatch/crashmailbatch.h"
#include "kit/batch_listener.h"

int main(int argc, char* argv[]) {
  return svl::kit::RunBatchListener(argc, argv, svl::crashmailbatch::CrashmailbatchKind());
}
