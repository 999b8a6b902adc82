// File: httpok/python_repr.h
//
// Python-compatible rendering of the few values httpok puts into its messages,
// so that its stderr lines and mails are byte-identical to superlance's:
// `repr(str)`, `repr(list of str)` and `str(xmlrpclib.Fault)`.
// See ../shared/reference/httpok-upstream.md §2.6.
//
// Example:
//
//   PythonRepr("foo")                    // 'foo'
//   PythonRepr("can't")                  // "can't"
//   PythonListRepr({"foo", "bar"})       // ['foo', 'bar']
//   PythonFaultRepr(50, "SPAWN_ERROR")   // <Fault 50: 'SPAWN_ERROR'>

#ifndef SVL_HTTPOK_PYTHON_REPR_H_
#define SVL_HTTPOK_PYTHON_REPR_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace svl {
namespace httpok {

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

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_PYTHON_REPR_H_
