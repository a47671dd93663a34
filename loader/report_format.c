/* Units, names and escapes for every renderer. */
#include "report.h"
#include <stdlib.h>
#include <string.h>

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

/* Length of the UTF-8 sequence at s, or 0 if it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t text_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; w++) {
		size_t n = utf8_len(p);
		p += n ? n : 1;
	}
	return w;
}

/* The byte offset of code point k of s. */
static size_t offset_of(const char *s, size_t k)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p && k; k--) {
		size_t n = utf8_len(p);
		p += n ? n : 1;
	}
	return (size_t)(p - (const unsigned char *)s);
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
	size_t hb = offset_of(s, head), tb = offset_of(s, w - tail);
	snprintf(buf, len, "%.*s\u2026%s", (int)hb, s, s + tb);
}

void ellipsise_end(char *buf, size_t len, const char *s, size_t width)
{
	if (text_width(s) <= width || width < 2) {
		snprintf(buf, len, "%s", s);
		return;
	}
	snprintf(buf, len, "%.*s\u2026", (int)offset_of(s, width - 1), s);
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

char *clean_text(const char *s)
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
	char *c = clean_text(s);
	for (const char *p = c ? c : ""; *p; p++)
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	free(c);
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
