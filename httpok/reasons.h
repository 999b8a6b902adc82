// TEMPORARY shim until the event log moves into kit (replaced at merge).
#ifndef SVL_HTTPOK_REASONS_H_
#define SVL_HTTPOK_REASONS_H_
#include "httpok/event_log.h"
#endif
