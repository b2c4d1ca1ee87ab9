/* Hit bookkeeping for the scan, in C.
 *
 * Hyperscan reports every match through a callback, and a noisy log makes hundreds of
 * thousands of them. Matches is that callback: it only appends (end offset, id) to an
 * array, so blocks can be scanned on several threads at once. A Collector then takes each
 * block's matches, in log order, and turns them into line hits: one per expression and
 * line, numbered, with the first FIRST hits of each expression over the whole log and the
 * last LAST of this block. Only those reach Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    long long line;
    uint32_t line_start, end;
} Slot;

typedef struct {
    Slot *slots;  /* LAST slots, used as a ring */
    Py_ssize_t head, used;
} Ring;

typedef struct {
    PyObject_HEAD
    Py_ssize_t n, first, last;
    unsigned char *uncapped; /* 1: every hit of this expression is kept */
    Py_ssize_t *count;       /* matching lines so far, per expression */
    long long *seen_line;    /* last line counted, per expression */
    Ring *rings;
    uint32_t *touched;       /* expressions with ring slots in this block */
    Py_ssize_t touched_len;
} Collector;

typedef struct {
    PyObject_HEAD
    uint64_t *events; /* end offset << 32 | expression id */
    size_t len, cap;
} Matches;

static void Matches_dealloc(Matches *self)
{
    PyMem_Free(self->events);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The match callback: (id, from, to, flags, context) -> None, so the scan goes on. */
static PyObject *Matches_call(Matches *self, PyObject *args, PyObject *kwds)
{
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 3) {
        PyErr_SetString(PyExc_TypeError, "expected (id, from, to, ...)");
        return NULL;
    }
    unsigned long id = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(args, 0));
    unsigned long long to = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(args, 2));
    if (PyErr_Occurred()) return NULL;
    if (id > UINT32_MAX || to > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "match id or offset out of range");
        return NULL;
    }
    if (self->len == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 4096;
        uint64_t *grown = PyMem_Realloc(self->events, cap * sizeof(uint64_t));
        if (!grown) return PyErr_NoMemory();
        self->events = grown, self->cap = cap;
    }
    self->events[self->len++] = ((uint64_t)to << 32) | (uint64_t)id;
    Py_RETURN_NONE;
}

static PyTypeObject MatchesType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "faultline.engine._hits.Matches",
    .tp_basicsize = sizeof(Matches),
    .tp_dealloc = (destructor)Matches_dealloc,
    .tp_call = (ternaryfunc)Matches_call,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Matches(): a Hyperscan match callback that records the matches of one scan.",
    .tp_new = PyType_GenericNew,
};

static void Collector_dealloc(Collector *self)
{
    if (self->rings) {
        for (Py_ssize_t i = 0; i < self->n; i++) PyMem_Free(self->rings[i].slots);
    }
    PyMem_Free(self->rings);
    PyMem_Free(self->uncapped);
    PyMem_Free(self->count);
    PyMem_Free(self->seen_line);
    PyMem_Free(self->touched);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Collector_init(Collector *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"expressions", "first", "last", "uncapped", NULL};
    Py_ssize_t n, first, last;
    PyObject *uncapped = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nnn|O", kwlist, &n, &first, &last, &uncapped))
        return -1;
    if (n < 0 || first < 0 || last < 1 || n > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "expressions >= 0, first >= 0 and last >= 1");
        return -1;
    }
    self->n = n, self->first = first, self->last = last;
    self->uncapped = PyMem_Calloc(n ? n : 1, 1);
    self->count = PyMem_Calloc(n ? n : 1, sizeof(Py_ssize_t));
    self->seen_line = PyMem_Malloc((n ? n : 1) * sizeof(long long));
    self->rings = PyMem_Calloc(n ? n : 1, sizeof(Ring));
    self->touched = PyMem_Malloc((n ? n : 1) * sizeof(uint32_t));
    if (!self->uncapped || !self->count || !self->seen_line || !self->rings || !self->touched) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) self->seen_line[i] = -1;
    if (uncapped && uncapped != Py_None) {
        PyObject *iterator = PyObject_GetIter(uncapped), *item;
        if (!iterator) return -1;
        while ((item = PyIter_Next(iterator))) {
            Py_ssize_t id = PyLong_AsSsize_t(item);
            Py_DECREF(item);
            if (id < 0 || id >= n) {
                Py_DECREF(iterator);
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "uncapped id out of range");
                return -1;
            }
            self->uncapped[id] = 1;
        }
        Py_DECREF(iterator);
        if (PyErr_Occurred()) return -1;
    }
    return 0;
}

static int compare_events(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static Py_ssize_t line_end(const char *text, Py_ssize_t size, Py_ssize_t from)
{
    const char *nl = memchr(text + from, '\n', (size_t)(size - from));
    return nl ? nl - text : size;
}

static int emit(PyObject *out, uint32_t id, long long line, Py_ssize_t start, Py_ssize_t end, Py_ssize_t stop)
{
    PyObject *hit = Py_BuildValue("(ILnnn)", id, line, start, stop, end);
    if (!hit) return -1;
    int failed = PyList_Append(out, hit);
    Py_DECREF(hit);
    return failed;
}

/* take(matches, text, first_line) -> [(id, line, line_start, line_end, match_end), ...]
 * for the matches of a scan of `text`, whose first line has number first_line. Offsets are
 * into `text`; the hits beyond the first FIRST of an expression come last. Blocks must be
 * taken in log order. */
static PyObject *Collector_take(Collector *self, PyObject *args)
{
    Py_buffer view;
    long long line;
    Matches *matches;
    if (!PyArg_ParseTuple(args, "O!y*L", &MatchesType, &matches, &view, &line)) return NULL;
    const char *text = view.buf;
    Py_ssize_t size = view.len;
    PyObject *out = PyList_New(0);
    if (!out) goto fail;

    for (size_t i = 1; i < matches->len; i++) {
        if (matches->events[i] < matches->events[i - 1]) {
            qsort(matches->events, matches->len, sizeof(uint64_t), compare_events);
            break;
        }
    }
    Py_ssize_t position = 0, start = 0; /* newlines counted up to position; start of its line */
    self->touched_len = 0;
    for (size_t i = 0; i < matches->len; i++) {
        uint32_t id = (uint32_t)(matches->events[i] & 0xffffffffu);
        if ((Py_ssize_t)id >= self->n) {
            PyErr_SetString(PyExc_ValueError, "match id outside the collector's range");
            goto fail;
        }
        Py_ssize_t end = (Py_ssize_t)(matches->events[i] >> 32);
        Py_ssize_t last_byte = end > 0 ? end - 1 : 0;
        if (last_byte > size) last_byte = size;
        while (position < last_byte) {
            const char *nl = memchr(text + position, '\n', (size_t)(last_byte - position));
            if (!nl) break;
            line++;
            start = position = nl - text + 1;
        }
        position = last_byte > position ? last_byte : position;
        if (self->seen_line[id] == line) continue;
        self->seen_line[id] = line;
        Py_ssize_t seen = ++self->count[id];
        if (self->uncapped[id] || seen <= self->first) {
            if (emit(out, id, line, start, end, line_end(text, size, last_byte)) < 0) goto fail;
            continue;
        }
        Ring *ring = &self->rings[id];
        if (!ring->slots) {
            ring->slots = PyMem_Malloc(self->last * sizeof(Slot));
            if (!ring->slots) {
                PyErr_NoMemory();
                goto fail;
            }
        }
        if (ring->used == 0) self->touched[self->touched_len++] = id;
        Py_ssize_t at = (ring->head + ring->used) % self->last;
        if (ring->used == self->last) ring->head = (ring->head + 1) % self->last;
        else ring->used++;
        ring->slots[at] = (Slot){line, (uint32_t)start, (uint32_t)end};
    }
    for (Py_ssize_t t = 0; t < self->touched_len; t++) {
        uint32_t id = self->touched[t];
        Ring *ring = &self->rings[id];
        for (Py_ssize_t k = 0; k < ring->used; k++) {
            Slot *slot = &ring->slots[(ring->head + k) % self->last];
            Py_ssize_t last_byte = slot->end > 0 ? slot->end - 1 : 0;
            if (emit(out, id, slot->line, slot->line_start, slot->end, line_end(text, size, last_byte)) < 0) goto fail;
        }
        ring->head = ring->used = 0;
    }
    matches->len = 0;
    PyBuffer_Release(&view);
    return out;
fail:
    matches->len = 0;
    for (Py_ssize_t t = 0; t < self->touched_len; t++) self->rings[self->touched[t]].head = self->rings[self->touched[t]].used = 0;
    Py_XDECREF(out);
    PyBuffer_Release(&view);
    return NULL;
}

static PyMethodDef Collector_methods[] = {
    {"take", (PyCFunction)Collector_take, METH_VARARGS,
     "take(matches, text, first_line) -> the hits of a block's matches: "
     "[(id, line, line_start, line_end, match_end), ...]"},
    {NULL},
};

static PyTypeObject CollectorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "faultline.engine._hits.Collector",
    .tp_basicsize = sizeof(Collector),
    .tp_dealloc = (destructor)Collector_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Collector(expressions, first, last, uncapped=()): keeps, per expression, one hit "
              "per line: the first `first` over the whole log and the last `last` of each block "
              "(every hit for `uncapped` ids).",
    .tp_methods = Collector_methods,
    .tp_init = (initproc)Collector_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_hits", NULL, -1, NULL};

PyMODINIT_FUNC PyInit__hits(void)
{
    if (PyType_Ready(&CollectorType) < 0 || PyType_Ready(&MatchesType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "Collector", (PyObject *)&CollectorType) < 0
        || PyModule_AddObjectRef(m, "Matches", (PyObject *)&MatchesType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
