#pragma once
#include <curl/curl.h>

/* Typed wrappers around libcurl's variadic entry points, which Swift cannot call directly.
   Each wrapper fixes the argument type the option expects, so a wrong type is a compile error
   instead of undefined behaviour. */

/* Runs curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process; it is not thread-safe
   itself, so every handle creation goes through this first. Returns the init result. */
CURLcode ccurl_global_init_once(void);

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*ccurl_progress_callback)(void *context, curl_off_t download_total, curl_off_t download_now,
                                       curl_off_t upload_total, curl_off_t upload_now);

/* For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION. */
CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);
/* For CURLOPT_XFERINFOFUNCTION. */
CURLcode ccurl_setopt_progress_callback(CURL *handle, CURLoption option, ccurl_progress_callback callback);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
