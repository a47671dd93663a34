/* Many functions from one macro: X3(M, 1) expands M(1000) ... M(1999), X2(M, 20) expands
 * M(2000) ... M(2099). The lazy-binding tests need about a thousand distinct functions, each
 * called through its own PLT slot. */
#ifndef MANY_H
#define MANY_H
#define X1(m, p) m(p##0) m(p##1) m(p##2) m(p##3) m(p##4) m(p##5) m(p##6) m(p##7) m(p##8) m(p##9)
#define X2(m, p) X1(m, p##0) X1(m, p##1) X1(m, p##2) X1(m, p##3) X1(m, p##4) \
	X1(m, p##5) X1(m, p##6) X1(m, p##7) X1(m, p##8) X1(m, p##9)
#define X3(m, p) X2(m, p##0) X2(m, p##1) X2(m, p##2) X2(m, p##3) X2(m, p##4) \
	X2(m, p##5) X2(m, p##6) X2(m, p##7) X2(m, p##8) X2(m, p##9)
/* fn1000..fn1999: the threads' functions; fn2000..fn2099: the signal handler's. */
#define MANY_THREAD_FIRST 1000
#define MANY_THREAD_COUNT 1000
#define MANY_SIGNAL_FIRST 2000
#define MANY_SIGNAL_COUNT 100
#define MANY_DECL(n) int fn##n(void);
X3(MANY_DECL, 1)
X2(MANY_DECL, 20)
/* A direct call of fnN for N in 1000..2099 from the object this is compiled into: through
 * that object's own PLT slot for fnN. */
#define MANY_CASE(k) case k: return fn##k();
#define MANY_SWITCH(n) switch (n) { X3(MANY_CASE, 1) X2(MANY_CASE, 20) } return -1
#endif
