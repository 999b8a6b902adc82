// fatalmailbatch: a supervisord event listener that mails, in batches, when supervisord gives up starting a process.
// Everything but its BatchKind (fatalmailbatch.h) is the kit's: kit/batch_listener.h
// says what it does and how it exits.
#include "fatalmailbatch/fatalmailbatch.h"
#include "kit/batch_listener.h"

int main(int argc, char* argv[]) {
  return svl::kit::RunBatchListener(argc, argv, svl::fatalmailbatch::FatalmailbatchKind());
}
