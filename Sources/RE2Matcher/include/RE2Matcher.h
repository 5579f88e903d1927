#ifndef MESHLINT_RE2_MATCHER_H
#define MESHLINT_RE2_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A compiled RE2 pattern (RE2 syntax: no backreferences, no lookaround; matching time linear in
/// the subject, memory bounded when it is compiled).
typedef struct meshlint_regex meshlint_regex;

/// Why a pattern did not compile.
typedef enum {
    MESHLINT_REGEX_OK = 0,
    MESHLINT_REGEX_SYNTAX = 1,        // a syntax error, or an operator RE2 does not have
    MESHLINT_REGEX_TOO_LARGE = 2,     // the compiled pattern would exceed the memory given
    MESHLINT_REGEX_NO_MEMORY = 3,
} meshlint_regex_status;

/// Compiles `pattern` (UTF-8, `length` bytes) with at most `max_memory` bytes for the program and
/// its matching caches. On failure returns NULL, sets `*status`, and writes RE2's message,
/// NUL-terminated, into `error` (at most `error_capacity` bytes).
meshlint_regex *meshlint_regex_compile(const char *pattern, size_t length, int64_t max_memory,
                                       meshlint_regex_status *status, char *error, size_t error_capacity);

/// 1 when the whole of `text` (UTF-8, `length` bytes) matches, else 0.
int meshlint_regex_full_match(const meshlint_regex *regex, const char *text, size_t length);

void meshlint_regex_free(meshlint_regex *regex);

#ifdef __cplusplus
}
#endif

#endif
