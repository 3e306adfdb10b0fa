#include "cjpeg.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

struct cjpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
};

static void cjpeg_error_exit(j_common_ptr info) {
    longjmp(((struct cjpeg_error *)info->err)->escape, 1);
}

int cjpeg_encode_rgb(const unsigned char *rgb, int width, int height, int quality, int restart_mcus,
                     unsigned char **out, unsigned long *size, char *message, size_t message_size) {
    struct jpeg_compress_struct compressor;
    struct cjpeg_error error;
    unsigned char *buffer = NULL;
    unsigned long buffer_size = 0;
    compressor.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = cjpeg_error_exit;
    if (setjmp(error.escape)) {
        char text[JMSG_LENGTH_MAX];
        (*compressor.err->format_message)((j_common_ptr)&compressor, text);
        snprintf(message, message_size, "%s", text);
        /* The memory destination's buffer is not freed: libjpeg may have replaced it without
           telling `buffer` yet. Encoding to memory fails only when memory runs out. */
        jpeg_destroy_compress(&compressor);
        return -1;
    }
    jpeg_create_compress(&compressor);
    jpeg_mem_dest(&compressor, &buffer, &buffer_size);
    compressor.image_width = (JDIMENSION)width;
    compressor.image_height = (JDIMENSION)height;
    compressor.input_components = 3;
    compressor.in_color_space = JCS_RGB;
    jpeg_set_defaults(&compressor);
    jpeg_set_quality(&compressor, quality, TRUE);
    compressor.comp_info[0].h_samp_factor = 2;
    compressor.comp_info[0].v_samp_factor = 2;
    compressor.restart_interval = (unsigned int)restart_mcus;
    jpeg_start_compress(&compressor, TRUE);
    while (compressor.next_scanline < compressor.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)compressor.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&compressor, &row, 1);
    }
    jpeg_finish_compress(&compressor);
    jpeg_destroy_compress(&compressor);
    *out = buffer;
    *size = buffer_size;
    return 0;
}
