#include "account.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void acct_init(struct acct *a) { memset(a, 0, sizeof *a); }

void acct_free(struct acct *a)
{
	for (size_t i = 0; i < a->nobj; i++)
		free(a->obj[i].name);
	free(a->obj);
	free(a->frames.slots);
	memset(a, 0, sizeof *a);
}

size_t acct_object(struct acct *a, const char *name, const struct elf_info *elf)
{
	for (size_t i = 0; i < a->nobj; i++)
		if (strcmp(a->obj[i].name, name) == 0)
			return i;
	if (a->nobj == a->capobj) {
		a->capobj = a->capobj ? a->capobj * 2 : 32;
		a->obj = realloc(a->obj, a->capobj * sizeof *a->obj);
	}
	struct acct_object *o = &a->obj[a->nobj];
	memset(o, 0, sizeof *o);
	o->name = strdup(name);
	o->elf = elf;
	return a->nobj++;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

bool frame_set_add(struct frame_set *s, uint64_t pfn)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint64_t *slots = calloc(cap, sizeof *slots);
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i])
				for (size_t j = mix(s->slots[i]) & (cap - 1);; j = (j + 1) & (cap - 1))
					if (!slots[j]) {
						slots[j] = s->slots[i];
						break;
					}
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	for (size_t j = mix(pfn) & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		if (s->slots[j] == pfn)
			return false;
		if (!s->slots[j]) {
			s->slots[j] = pfn;
			s->n++;
			return true;
		}
	}
}

void acct_page(struct acct *a, size_t obj, int cls, const struct page_info *p, bool reloc)
{
	if (!p->present)
		return;
	struct acct_object *o = &a->obj[obj];
	struct class_count dummy, *c = cls >= 0 ? &o->cls[cls] : &dummy;
	o->rss++;
	c->rss++;
	if (p->pfn) {
		a->exact = true;
		if (frame_set_add(&a->frames, p->pfn)) {
			o->unique++;
			c->unique++;
		}
	}
	/* Anonymous: a private copy (copy on write of a file page) or anonymous memory. */
	if (!p->file) {
		o->private_dirty++;
		c->private_dirty++;
		if (reloc)
			o->reloc_dirty++;
	}
}

void acct_smaps(struct acct *a, size_t obj, int cls, uint64_t rss, uint64_t pss, uint64_t private_dirty)
{
	struct acct_object *o = &a->obj[obj];
	struct class_count dummy, *c = cls >= 0 ? &o->cls[cls] : &dummy;
	o->rss += rss;
	c->rss += rss;
	o->unique += pss;
	c->unique += pss;
	o->private_dirty += private_dirty;
	c->private_dirty += private_dirty;
}

void acct_totals(const struct acct *a, struct acct_object *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < a->nobj; i++) {
		const struct acct_object *o = &a->obj[i];
		t->mapped += o->mapped;
		t->rss += o->rss;
		t->unique += o->unique;
		t->private_dirty += o->private_dirty;
		t->reloc_dirty += o->reloc_dirty;
		for (int k = 0; k < CLASS_NCLASSES; k++) {
			t->cls[k].rss += o->cls[k].rss;
			t->cls[k].unique += o->cls[k].unique;
			t->cls[k].private_dirty += o->cls[k].private_dirty;
		}
	}
}
