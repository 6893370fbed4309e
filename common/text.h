/*
 * text.h - text from images and registries made safe for a terminal.
 *
 * Digests, entrypoints, tar names, annotations, registry warnings and
 * error messages come from whoever built the image or runs the registry;
 * printed as they are, an escape sequence in them would act on the
 * user's terminal (retitle it, clear it, hide lines, fake output).  Only
 * cmd/ prints, and it passes such text through here first.
 */
#ifndef WP_TEXT_H
#define WP_TEXT_H

/* A copy of `s` with every control character written out: C0 bytes and
 * DEL as "\xNN" (except a tab, and '\n' when `keep_newlines`), the C1
 * controls U+0080..U+009F as "\u00NN".  Other bytes (UTF-8 text) are
 * kept.  Malloc'ed; NULL when out of memory. */
char *wp_text_escape(const char *s, int keep_newlines);

#endif
