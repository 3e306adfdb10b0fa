#include <openjpeg.h>
#include <string.h>

/* An OpenJPEG input stream over bytes in memory. The callbacks live here in C so that OpenJPEG
   only ever calls plain C functions; Swift owns the source and the stream. */
typedef struct {
    const unsigned char *bytes;
    OPJ_SIZE_T length;
    OPJ_SIZE_T position;
} huimin_opj_source;

static inline OPJ_SIZE_T huimin_opj_read(void *buffer, OPJ_SIZE_T size, void *user) {
    huimin_opj_source *source = (huimin_opj_source *)user;
    OPJ_SIZE_T available = source->length - source->position;
    if (available == 0) return (OPJ_SIZE_T)-1;
    if (size < available) available = size;
    memcpy(buffer, source->bytes + source->position, available);
    source->position += available;
    return available;
}

static inline OPJ_OFF_T huimin_opj_skip(OPJ_OFF_T distance, void *user) {
    huimin_opj_source *source = (huimin_opj_source *)user;
    OPJ_OFF_T target = (OPJ_OFF_T)source->position + distance;
    if (target < 0) target = 0;
    if (target > (OPJ_OFF_T)source->length) target = (OPJ_OFF_T)source->length;
    OPJ_OFF_T moved = target - (OPJ_OFF_T)source->position;
    source->position = (OPJ_SIZE_T)target;
    return moved;
}

static inline OPJ_BOOL huimin_opj_seek(OPJ_OFF_T offset, void *user) {
    huimin_opj_source *source = (huimin_opj_source *)user;
    if (offset < 0 || offset > (OPJ_OFF_T)source->length) return OPJ_FALSE;
    source->position = (OPJ_SIZE_T)offset;
    return OPJ_TRUE;
}

static inline opj_stream_t *huimin_opj_memory_stream(huimin_opj_source *source) {
    opj_stream_t *stream = opj_stream_create(1 << 16, OPJ_TRUE);
    if (stream == NULL) return NULL;
    opj_stream_set_user_data(stream, source, NULL);
    opj_stream_set_user_data_length(stream, source->length);
    opj_stream_set_read_function(stream, huimin_opj_read);
    opj_stream_set_skip_function(stream, huimin_opj_skip);
    opj_stream_set_seek_function(stream, huimin_opj_seek);
    return stream;
}
