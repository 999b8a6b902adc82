// TEMPORARY shim until the event log moves into kit (replaced at merge).
#ifndef SVL_KIT_EVENT_LOG_H_
#define SVL_KIT_EVENT_LOG_H_
#include <string>
#include "httpok/event_log.h"
namespace svl {
namespace kit {
using httpok::LogField;
using httpok::LogFormat;
using httpok::LogRecord;
using httpok::LogSink;
using httpok::RedactUrl;
class EventLog : public httpok::EventLog {
 public:
  EventLog(LogFormat f, std::string listener, std::string name, LogSink& s)
      : httpok::EventLog(f, name, s) {}
};
}  // namespace kit
}  // namespace svl
#endif
