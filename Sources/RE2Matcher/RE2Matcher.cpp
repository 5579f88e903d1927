// The C face of RE2 for Swift: compile a pattern under a memory budget, match a whole string,
// free. RE2 guarantees time linear in the subject and never backtracks, which is why patterns from
// a repository's rules.d are matched with it (issue 19).
#include "RE2Matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <new>

struct meshlint_regex {
    re2::RE2 *pattern;
};

static void copy_message(const std::string &message, char *error, size_t capacity) {
    if (error == nullptr || capacity == 0) return;
    size_t count = std::min(message.size(), capacity - 1);
    std::memcpy(error, message.data(), count);
    error[count] = '\0';
}

meshlint_regex *meshlint_regex_compile(const char *pattern, size_t length, int64_t max_memory,
                                       meshlint_regex_status *status, char *error, size_t error_capacity) {
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_log_errors(false);   // a bad pattern is reported by MeshLint, once, with its position
    options.set_never_capture(true); // only "does it match" is asked
    options.set_max_mem(max_memory);
    re2::RE2 *compiled = new (std::nothrow) re2::RE2(re2::StringPiece(pattern, length), options);
    if (compiled == nullptr) {
        *status = MESHLINT_REGEX_NO_MEMORY;
        copy_message("out of memory", error, error_capacity);
        return nullptr;
    }
    if (!compiled->ok()) {
        *status = compiled->error_code() == re2::RE2::ErrorPatternTooLarge ? MESHLINT_REGEX_TOO_LARGE : MESHLINT_REGEX_SYNTAX;
        copy_message(compiled->error(), error, error_capacity);
        delete compiled;
        return nullptr;
    }
    meshlint_regex *handle = new (std::nothrow) meshlint_regex{compiled};
    if (handle == nullptr) {
        delete compiled;
        *status = MESHLINT_REGEX_NO_MEMORY;
        copy_message("out of memory", error, error_capacity);
        return nullptr;
    }
    *status = MESHLINT_REGEX_OK;
    return handle;
}

int meshlint_regex_full_match(const meshlint_regex *regex, const char *text, size_t length) {
    return re2::RE2::FullMatch(re2::StringPiece(text, length), *regex->pattern) ? 1 : 0;
}

void meshlint_regex_free(meshlint_regex *regex) {
    if (regex == nullptr) return;
    delete regex->pattern;
    delete regex;
}
