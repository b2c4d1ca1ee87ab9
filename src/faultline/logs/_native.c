/*
 * The two byte-level loops of log reading, in C so that a 100 MB log costs milliseconds:
 * normalising a block of CI log bytes in one pass, and counting lines with memchr.
 *
 * Normalisation rules (tests/reference_normalise.py states the same in Python):
 *  - ANSI CSI sequences (ESC [ params intermediates final) and OSC sequences
 *    (ESC ] ... BEL or ESC \) are removed, as are two-byte ESC sequences.
 *  - CR immediately before LF is removed; a lone CR is kept (progress overwrites).
 *  - NUL bytes are removed.
 *  - At the start of a line, a CI runner prefix (GitHub/Azure timestamp, GitLab timestamp
 *    and stream, Jenkins timestamper in brackets, see timestamp_len) is removed, then a
 *    GitHub/Azure line marker (##[error], ##[warning],
 *    ##[notice], ##[debug], ##[command], ##[section]) is removed.
 * LF bytes are never added or removed, so line numbers survive normalisation.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Length of an ISO timestamp with fraction and zone at p (YYYY-MM-DDTHH:MM:SS.fffZ), or 0. */
static Py_ssize_t iso_len(const unsigned char *p, const unsigned char *end)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    Py_ssize_t n = sizeof(shape) - 1, i;
    if (end - p < n + 3)
        return 0;
    for (i = 0; i < n; i++) {
        if (shape[i] == 'd' ? !is_digit(p[i]) : p[i] != (unsigned char)shape[i])
            return 0;
    }
    if (p[i] != '.')
        return 0;
    i++;
    if (!is_digit(p[i]))
        return 0;
    while (p + i < end && is_digit(p[i]))
        i++;
    if (p + i >= end || p[i] != 'Z')
        return 0;
    return i + 1;
}

/* Length of a CI runner's line prefix at p, or 0:
 *   GitHub Actions / Azure:  2024-05-01T10:00:00.1234567Z
 *   GitLab (timestamps on):  2024-05-01T10:00:00.123456Z 00O   (stream, O or E, optional +)
 *   Jenkins timestamper:     [2024-05-01T10:00:00.123Z]
 * each followed by one space, which goes too; and the Jenkins timestamper's clock time as
 * the console page shows it, "09:07:29" and two spaces (one space is too common in
 * application logs to be the runner's). */
static Py_ssize_t timestamp_len(const unsigned char *p, const unsigned char *end)
{
    Py_ssize_t i;
    if (end - p >= 10 && is_digit(p[0]) && is_digit(p[1]) && p[2] == ':' && is_digit(p[3]) &&
        is_digit(p[4]) && p[5] == ':' && is_digit(p[6]) && is_digit(p[7]) && p[8] == ' ' && p[9] == ' ')
        return 10;
    if (p < end && *p == '[') {
        i = iso_len(p + 1, end);
        if (i == 0 || p + 1 + i >= end || p[1 + i] != ']')
            return 0;
        i += 2;
    } else {
        i = iso_len(p, end);
        if (i == 0)
            return 0;
        if (end - (p + i) >= 4 && p[i] == ' ' && is_digit(p[i + 1]) && is_digit(p[i + 2]) &&
            (p[i + 3] == 'O' || p[i + 3] == 'E')) {
            Py_ssize_t j = i + 4;
            if (p + j < end && p[j] == '+')
                j++;
            if (p + j >= end || p[j] == ' ' || p[j] == '\n')
                i = j; /* a stream marker only when it stands alone */
        }
    }
    if (p + i < end && p[i] == ' ')
        i++;
    return i;
}

static const char *const markers[] = {
    "##[error]", "##[warning]", "##[notice]", "##[debug]", "##[command]", "##[section]", NULL};

/* Length of a line marker at p, or 0. */
static Py_ssize_t marker_len(const unsigned char *p, const unsigned char *end)
{
    if (end - p < 3 || p[0] != '#' || p[1] != '#' || p[2] != '[')
        return 0;
    for (const char *const *m = markers; *m; m++) {
        Py_ssize_t n = (Py_ssize_t)strlen(*m);
        if (end - p >= n && memcmp(p, *m, (size_t)n) == 0)
            return n;
    }
    return 0;
}

/* Length of the escape sequence starting at p (p[0] == ESC). Never consumes LF. */
static Py_ssize_t escape_len(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *q = p + 1;
    if (q >= end)
        return 1;
    if (*q == '[') {
        q++;
        while (q < end && *q >= 0x30 && *q <= 0x3f)
            q++;
        while (q < end && *q >= 0x20 && *q <= 0x2f)
            q++;
        if (q < end && *q >= 0x40 && *q <= 0x7e)
            q++;
        return q - p;
    }
    if (*q == ']') {
        q++;
        while (q < end && *q != '\n') {
            if (*q == 0x07)
                return q + 1 - p;
            if (*q == 0x1b && q + 1 < end && q[1] == '\\')
                return q + 2 - p;
            q++;
        }
        return q - p;
    }
    if (*q >= 0x40 && *q <= 0x5f)
        return 2;
    return 1;
}

static PyObject *normalise(PyObject *self, PyObject *args)
{
    Py_buffer in;
    int at_line_start = 1;
    if (!PyArg_ParseTuple(args, "y*|p", &in, &at_line_start))
        return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, in.len);
    if (out == NULL) {
        PyBuffer_Release(&in);
        return NULL;
    }
    const unsigned char *p = in.buf, *end = p + in.len;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
    unsigned char *o0 = o;

    Py_BEGIN_ALLOW_THREADS
    while (p < end) {
        if (at_line_start) {
            at_line_start = 0;
            p += timestamp_len(p, end);
            p += marker_len(p, end);
            continue;
        }
        /* Copy the plain run up to the next byte that needs a decision. */
        const unsigned char *q = p;
        while (q < end && *q != '\n' && *q != 0x1b && *q != '\r' && *q != 0)
            q++;
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        p = q;
        if (p >= end)
            break;
        switch (*p) {
        case '\n':
            *o++ = '\n';
            p++;
            at_line_start = 1;
            break;
        case 0x1b:
            p += escape_len(p, end);
            break;
        case '\r':
            if (p + 1 < end && p[1] == '\n')
                p++;
            else
                *o++ = *p++;
            break;
        default: /* NUL */
            p++;
        }
    }
    Py_END_ALLOW_THREADS

    PyBuffer_Release(&in);
    if (_PyBytes_Resize(&out, o - o0) < 0)
        return NULL;
    return out;
}

static PyObject *count_newlines(PyObject *self, PyObject *args)
{
    Py_buffer in;
    Py_ssize_t start = 0, end = PY_SSIZE_T_MAX, count = 0;
    if (!PyArg_ParseTuple(args, "y*|nn", &in, &start, &end))
        return NULL;
    if (start < 0)
        start = 0;
    if (end > in.len)
        end = in.len;
    const char *p = (const char *)in.buf + start, *stop = (const char *)in.buf + end;
    Py_BEGIN_ALLOW_THREADS
    while (p < stop && (p = memchr(p, '\n', (size_t)(stop - p))) != NULL) {
        count++;
        p++;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&in);
    return PyLong_FromSsize_t(count);
}

/* newlines(text) -> bytes: the offsets of every line break in text, as native uint32. */
static PyObject *newlines(PyObject *self, PyObject *args)
{
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "y*", &view)) return NULL;
    const char *text = view.buf, *p = text, *end = text + view.len;
    Py_ssize_t count = 0;
    while ((p = memchr(p, '\n', (size_t)(end - p)))) count++, p++;
    PyObject *out = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(uint32_t));
    if (out) {
        uint32_t *offsets = (uint32_t *)PyBytes_AS_STRING(out);
        for (p = text; (p = memchr(p, '\n', (size_t)(end - p))); p++) *offsets++ = (uint32_t)(p - text);
    }
    PyBuffer_Release(&view);
    return out;
}

static PyMethodDef methods[] = {
    {"count_newlines", count_newlines, METH_VARARGS,
     "count_newlines(data, start=0, end=len(data)) -> int: LF bytes in data[start:end]."},
    {"newlines", newlines, METH_VARARGS, "newlines(data) -> bytes: the offsets of its LF bytes, as native uint32."},
    {"normalise", normalise, METH_VARARGS,
     "normalise(data, at_line_start=True) -> bytes: strip escapes, markers and "
     "runner timestamps without changing the number of lines."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
