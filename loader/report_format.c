/* Units, names and escapes for every renderer. */
#include "mmld.h"
#include "report.h"
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

const char *const unit_names[3] = {"KiB", "MiB", "GiB"};

int unit_for(enum units u, unsigned long long max_kib)
{
	switch (u) {
	case UNITS_K: return 0;
	case UNITS_M: return 1;
	case UNITS_G: return 2;
	default: return max_kib >= 10ULL * 1024 * 1024 ? 2 : max_kib >= 10240 ? 1 : 0;
	}
}

void format_size(char *buf, size_t len, unsigned long long kib, int unit)
{
	if (unit == 0)
		snprintf(buf, len, "%llu", kib);
	else
		snprintf(buf, len, "%.1f", (double)kib / (unit == 1 ? 1024.0 : 1048576.0));
}

/* Length of the UTF-8 sequence at s, or 0 if it is not valid UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF are not). */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) || (s[0] == 0xf0 && s[1] < 0x90) ||
	    (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* The code point of the valid UTF-8 sequence of n bytes at s. */
static wchar_t code_point(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0];
	wchar_t c = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		c = (c << 6) | (s[i] & 0x3f);
	return c;
}

/* Terminal columns of the character at s (*n: its length in bytes): 2 for a wide (CJK)
 * one, 0 for a combining mark, as wcwidth says under C.UTF-8 (whatever the caller's
 * locale); a byte that is not UTF-8 counts 1. */
static size_t char_width(const unsigned char *s, size_t *n)
{
	static locale_t utf8;
	*n = utf8_len(s);
	if (!*n) {
		*n = 1;
		return 1;
	}
	if (s[0] < 0x80)
		return 1;
	if (!utf8)
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!utf8)
		return 1;
	locale_t old = uselocale(utf8);
	int w = wcwidth(code_point(s, *n));
	uselocale(old);
	return w < 0 ? 1 : (size_t)w;
}

size_t text_width(const char *s)
{
	size_t w = 0, n;
	for (const unsigned char *p = (const unsigned char *)s; *p; p += n)
		w += char_width(p, &n);
	return w;
}

size_t text_prefix(const char *s, size_t cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, n;
	while (*p) {
		size_t cw = char_width(p, &n);
		if (w + cw > cols)
			break;
		w += cw;
		p += n;
	}
	return (size_t)(p - (const unsigned char *)s);
}

/* The byte offset of the longest tail of s at most `cols` columns wide. */
static size_t tail_offset(const char *s, size_t cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t rest = text_width(s), n;
	while (*p && rest > cols) {
		rest -= char_width(p, &n);
		p += n;
	}
	return (size_t)(p - (const unsigned char *)s);
}

/* A C1 control (U+0080..U+009F) in UTF-8: terminals act on these as on ESC sequences. */
static bool c1_control(const unsigned char *p, size_t n)
{
	return n == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

/* Characters that are invisible or reorder what follows them: the bidirectional embeddings,
 * overrides and isolates (U+202A..202E, U+2066..2069: "Trojan Source", a name that shows
 * other than it reads), the marks U+061C, U+200E/200F, zero-width spaces and joiners
 * (U+200B..200D, U+2060..2064, U+FEFF), the line and paragraph separators U+2028/2029, and
 * the other format characters of their blocks (U+180E, U+206A..206F, U+FFF9..FFFB, tags);
 * and the noncharacters U+FFFE/FFFF, which an XML document may not hold. */
static bool invisible_format(wchar_t c)
{
	static const struct { wchar_t first, last; } ranges[] = {
		{0x061c, 0x061c}, {0x180e, 0x180e}, {0x200b, 0x200f}, {0x2028, 0x202e}, {0x2060, 0x2064},
		{0x2066, 0x206f}, {0xfeff, 0xfeff}, {0xfff9, 0xfffb}, {0xfffe, 0xffff}, {0xe0001, 0xe0001}, {0xe0020, 0xe007f},
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (c >= ranges[i].first && c <= ranges[i].last)
			return true;
	return false;
}

/* For a terminal: each byte of a control character (C0, DEL, C1), of an invisible or
 * reordering format character (above), each byte that is not valid UTF-8, and the backslash
 * itself, as \ooo (three octal digits, the escape the kernel writes for a newline in
 * /proc/PID/maps). Reversible, unlike ps's '?': two names that differ only in such bytes
 * still look different, and the bytes can be read back. Other valid UTF-8 stays as it is. */
static char *escape_for_terminal(const char *s)
{
	char *o = malloc(strlen(s) * 4 + 1);
	if (!o)
		return NULL;
	char *q = o;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (!n || *p < 0x20 || *p == 0x7f || *p == '\\' || c1_control(p, n) ||
		    (n > 1 && invisible_format(code_point(p, n)))) {
			size_t k = n ? n : 1;
			for (; k; k--, p++)
				q += sprintf(q, "\\%03o", *p);
			continue;
		}
		memcpy(q, p, n);
		q += n;
		p += n;
	}
	*q = 0;
	return o;
}

const char *shown(const char *s)
{
	static char *ring[16];
	static unsigned next;
	char **slot = &ring[next++ % 16];
	free(*slot);
	*slot = escape_for_terminal(s ? s : "");
	return *slot ? *slot : "?";
}

void ellipsise(char *buf, size_t len, const char *s, size_t width)
{
	size_t w = text_width(s);
	if (w <= width || width < 3) {
		snprintf(buf, len, "%s", s);
		return;
	}
	/* Keep more of the end: the file name is there. */
	size_t tail = (width - 1) * 2 / 3, head = width - 1 - tail;
	size_t hb = text_prefix(s, head), tb = tail_offset(s, tail);
	snprintf(buf, len, "%.*s\u2026%s", (int)hb, s, s + tb);
}

void ellipsise_end(char *buf, size_t len, const char *s, size_t width)
{
	if (text_width(s) <= width || width < 2) {
		snprintf(buf, len, "%s", s);
		return;
	}
	snprintf(buf, len, "%.*s\u2026", (int)text_prefix(s, width - 1), s);
}

/* The tail of path p with k components ("a/b/c", k = 2: "b/c"); the whole of p if it has
 * fewer. */
static const char *tail_of(const char *p, int k)
{
	const char *t = p + strlen(p);
	while (t > p) {
		t--;
		if (*t == '/' && --k == 0)
			return t == p ? p : t + 1;
	}
	return p;
}

void short_names(const char **names, size_t n, const char **out)
{
	for (size_t i = 0; i < n; i++) {
		/* Names that are not paths ([heap], [anon]) stand as they are. */
		if (names[i][0] != '/') {
			out[i] = names[i];
			continue;
		}
		for (int k = 1;; k++) {
			const char *t = tail_of(names[i], k);
			bool clash = false;
			for (size_t j = 0; j < n && !clash && t != names[i]; j++)
				clash = j != i && names[j][0] == '/' && strcmp(tail_of(names[j], k), t) == 0;
			if (!clash) {
				out[i] = t;
				break;
			}
		}
	}
}

/* Valid UTF-8 of s: bytes that are not, and control characters, as '?' (malloc'ed). */
static char *clean_text(const char *s)
{
	char *o = malloc(strlen(s) + 1);
	if (!o)
		return NULL;
	char *q = o;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (!n || *p < 0x20 || *p == 0x7f) {
			*q++ = '?';
			p++;
			continue;
		}
		memcpy(q, p, n);
		q += n;
		p += n;
	}
	*q = 0;
	return o;
}

void put_xml(FILE *f, const char *s)
{
	put_xml_shown(f, shown(s));
}

void put_xml_shown(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++)
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
}

void put_json(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p++, f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p++);
		} else if (!n) {
			fprintf(f, "\\u%04x", *p++); /* a byte that is not UTF-8, as its Latin-1 character */
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
	fputc('"', f);
}

void put_csv(FILE *f, const char *s)
{
	char *c = clean_text(s);
	const char *t = c ? c : "";
	if (!strpbrk(t, ",\"\n")) {
		fputs(t, f);
	} else {
		fputc('"', f);
		for (const char *p = t; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	free(c);
}
