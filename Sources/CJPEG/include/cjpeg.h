#pragma once
#include <stddef.h>

/* libjpeg's compressor behind one call. libjpeg reports errors by calling an exit handler that
   must not return; Swift cannot unwind through C, so the setjmp/longjmp that turns such an error
   into a return code lives here.

   Encodes `height` rows of `width` RGB pixels as a baseline JPEG with 4:2:0 chroma, the standard
   Huffman tables and a restart marker after every `restart_mcus` MCUs (0: none). Returns 0 and a
   malloc'ed buffer in *out (free it with free()), or -1 and libjpeg's message in `message`. */
int cjpeg_encode_rgb(const unsigned char *rgb, int width, int height, int quality, int restart_mcus,
                     unsigned char **out, unsigned long *size, char *message, size_t message_size);
