#pragma once
// BFCL's AST-style correctness check of calls against a possible-answer
// structure.

#include "trm/tasks/function_call/calls.h"

namespace trm::tasks::function_call {

/// Returns true when `calls` matches `acceptable` (BFCL ground truth: a list
/// of `{function_name: {param: [acceptable values]}}`) the way BFCL's AST
/// checker judges it: same number of calls; each call's function name equal;
/// every argument given is listed and its value is among the acceptable ones;
/// every listed argument whose acceptable values do not include "" is given;
/// strings compared after BFCL's normalisation (lower case, spaces and the
/// punctuation `,./-_*^` removed, `'` read as `"`); int accepted where float
/// is listed, except for elements of an array parameter, where BFCL's type
/// check rejects it; nested dicts and lists of dicts compared recursively.
/// Function names must be equal: BFCL's `.` to `_` renaming for APIs that
/// forbid dots is left to the caller. When `order_insensitive` is set
/// (BFCL's parallel categories) calls are matched to answers as a
/// permutation, with backtracking where BFCL takes the first match.
bool bfcl_acceptable(const CallList& calls, const json& acceptable, bool order_insensitive);

}  // namespace trm::tasks::function_call
