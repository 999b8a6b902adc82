// File: kit/python_text.h
//
// Python-compatible rendering of the values listeners put into their
// messages, so that stderr lines and mails are byte-identical to those of the
// Python listeners they replace: `repr(str)`, `repr(list of str)`,
// `str(xmlrpc.client.Fault)`, supervisor's `childutils.get_asctime()` and
// `time.asctime()`.
//
// Example:
//
//   PythonRepr("foo")                    // 'foo'
//   PythonRepr("can't")                  // "can't"
//   PythonListRepr({"foo", "bar"})       // ['foo', 'bar']
//   PythonFaultRepr(50, "SPAWN_ERROR")   // <Fault 50: 'SPAWN_ERROR'>
//   SupervisorAsctime(now, absl::LocalTimeZone())  // 2026-12-01 17:23:00,123
//   PythonAsctime(now, absl::LocalTimeZone())      // Tue Dec  1 17:23:00 2026

#ifndef SVL_KIT_PYTHON_TEXT_H_
#define SVL_KIT_PYTHON_TEXT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

// PythonRepr()
//
// Python 3's repr() of the str that `utf8` decodes to:
//   - quoted with ' unless the text contains ' and no ", then with ";
//   - \\ and the chosen quote escaped; \n, \r, \t as such;
//   - other non-printable code points as \xNN (< 0x100), \uNNNN (< 0x10000)
//     or \UNNNNNNNN;
//   - printable non-ASCII kept as UTF-8.
// Non-printable means what str.isprintable() rejects, approximated without
// the full Unicode database: C0/C1 controls and DEL, every space separator
// but ' ' (U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F, U+3000), the line
// and paragraph separators, the format characters (Cf), surrogates, private
// use, and the noncharacters U+FDD0-U+FDEF and U+xxFFFE/U+xxFFFF. Other
// unassigned code points are kept (Python would escape them; they do not
// occur in supervisord's process names or fault strings in practice).
// Invalid UTF-8: each byte that is not part of a valid sequence is rendered
// as \udcNN, exactly what Python shows for a string decoded with
// surrogateescape, which is how Python decodes argv (e.g. a -p value).
std::string PythonRepr(absl::string_view utf8);

// PythonListRepr() is repr() of a list of str: `['a', 'b']`, `[]` when empty.
std::string PythonListRepr(const std::vector<std::string>& items);

// PythonFaultRepr() is str() of an xmlrpc.client.Fault:
// `<Fault CODE: REPR(fault_string)>`.
std::string PythonFaultRepr(int code, absl::string_view fault_string);

// SupervisorAsctime() is supervisor's childutils.get_asctime() at `time` in
// `zone`: `YYYY-mm-dd HH:MM:SS,mmm`, the milliseconds truncated (`,999` for
// .9996 s), no zone shown. Callers pass absl::LocalTimeZone() for the
// listener's local time.
std::string SupervisorAsctime(absl::Time time, absl::TimeZone zone);

// PythonAsctime() is Python's time.asctime() (C asctime() without its
// newline) at `time` in `zone`: `Www Mmm DD HH:MM:SS YYYY` with English day
// and month names in any locale and the day of the month padded with a
// space, e.g. `Tue Dec  1 17:23:00 2026`.
std::string PythonAsctime(absl::Time time, absl::TimeZone zone);

// LocalZoneAt() is the local zone at `time` as the C library sees it
// (localtime_r(), so TZ may be a zone name or a POSIX string such as
// `<+0530>-5:30`, as for Python): a fixed zone of that moment's UTC offset.
// Listeners pass it where upstream used the local time.
absl::TimeZone LocalZoneAt(absl::Time time);

// LocalZoneAbbreviation() is strftime's `%Z` at `time` in the local zone
// (`CET`, `IST`, `+0530`; empty when the C library knows none).
std::string LocalZoneAbbreviation(absl::Time time);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_PYTHON_TEXT_H_
