// TEMPORARY shim until python_repr moves into kit (replaced at merge).
#ifndef SVL_KIT_PYTHON_TEXT_H_
#define SVL_KIT_PYTHON_TEXT_H_
#include "httpok/python_repr.h"
namespace svl {
namespace kit {
using httpok::PythonFaultRepr;
using httpok::PythonListRepr;
using httpok::PythonRepr;
}  // namespace kit
}  // namespace svl
#endif
