/* The spatial order of knn.c's search (knn-order.h): principal directions, k-d leaf order, boxes. */
#include "knn-order.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Power iteration with deflation on the covariance of at most 4096 evenly spaced rows: the order only needs
 * directions that spread the data, not exact eigenvectors, and the bound holds for any orthonormal basis. */
void knn_basis(const double *x, int64_t rows, int64_t cols, double *basis) {
  const int64_t step = rows > 4096 ? rows / 4096 : 1;
  double *mean = calloc((size_t)cols, sizeof(double)), *cov = calloc((size_t)(cols * cols), sizeof(double)), *v = malloc((size_t)cols * sizeof(double));
  memset(basis, 0, (size_t)(KNN_DIMS * cols) * sizeof(double));
  if (!mean || !cov || !v) {
    /* Without memory for the covariance: the first coordinates (still orthonormal). */
    for (int64_t d = 0; d < KNN_DIMS && d < cols; d++) basis[d * cols + d] = 1;
    free(mean), free(cov), free(v);
    return;
  }
  int64_t n = 0;
  for (int64_t i = 0; i < rows; i += step, n++)
    for (int64_t c = 0; c < cols; c++) mean[c] += x[i * cols + c];
  for (int64_t c = 0; c < cols; c++) mean[c] /= (double)n;
  for (int64_t i = 0; i < rows; i += step)
    for (int64_t a = 0; a < cols; a++) {
      const double xa = x[i * cols + a] - mean[a];
      for (int64_t b = 0; b < cols; b++) cov[a * cols + b] += xa * (x[i * cols + b] - mean[b]);
    }
  for (int64_t d = 0; d < KNN_DIMS && d < cols; d++) {
    double *u = basis + d * cols;
    for (int64_t c = 0; c < cols; c++) u[c] = 1.0 + 0.01 * (double)((c * 7 + d * 3) % 11); /* not orthogonal to the top directions */
    for (int it = 0; it < 60; it++) {
      for (int64_t a = 0; a < cols; a++) {
        double s = 0;
        for (int64_t b = 0; b < cols; b++) s += cov[a * cols + b] * u[b];
        v[a] = s;
      }
      /* Gram-Schmidt against the directions found, twice for orthogonality to rounding. */
      for (int pass = 0; pass < 2; pass++)
        for (int64_t e = 0; e < d; e++) {
          double dot = 0;
          for (int64_t c = 0; c < cols; c++) dot += v[c] * basis[e * cols + c];
          for (int64_t c = 0; c < cols; c++) v[c] -= dot * basis[e * cols + c];
        }
      double norm = 0;
      for (int64_t c = 0; c < cols; c++) norm += v[c] * v[c];
      norm = sqrt(norm);
      if (!(norm > 1e-300)) {
        /* No variance left: any unit vector orthogonal to the others (a coordinate, made orthogonal). */
        for (int64_t c = 0; c < cols; c++) v[c] = c == d ? 1 : 0;
        for (int64_t e = 0; e < d; e++) {
          double dot = 0;
          for (int64_t c = 0; c < cols; c++) dot += v[c] * basis[e * cols + c];
          for (int64_t c = 0; c < cols; c++) v[c] -= dot * basis[e * cols + c];
        }
        norm = 0;
        for (int64_t c = 0; c < cols; c++) norm += v[c] * v[c];
        norm = sqrt(norm);
        if (!(norm > 0)) norm = 1;
      }
      for (int64_t c = 0; c < cols; c++) u[c] = v[c] / norm;
    }
  }
  free(mean), free(cov), free(v);
}

void knn_project(const double *x, int64_t rows, int64_t cols, const double *basis, double *proj) {
  for (int64_t i = 0; i < rows; i++)
    for (int d = 0; d < KNN_DIMS; d++) {
      double s = 0;
      for (int64_t c = 0; c < cols; c++) s += basis[d * cols + c] * x[i * cols + c];
      proj[i * KNN_DIMS + d] = s;
    }
}

typedef struct {
  double key;
  int32_t row;
} keyed_t;

/* Moves the m smallest keys (ties by row) to a[0 .. m): quickselect. */
static void select_smallest(keyed_t *a, int64_t n, int64_t m) {
  int64_t lo = 0, hi = n - 1;
  while (lo < hi) {
    const keyed_t pivot = a[lo + (hi - lo) / 2];
    int64_t i = lo, j = hi;
    while (i <= j) {
      while (a[i].key < pivot.key || (a[i].key == pivot.key && a[i].row < pivot.row)) i++;
      while (a[j].key > pivot.key || (a[j].key == pivot.key && a[j].row > pivot.row)) j--;
      if (i <= j) {
        const keyed_t t = a[i];
        a[i] = a[j], a[j] = t;
        i++, j--;
      }
    }
    if (m - 1 <= j) hi = j;
    else if (m - 1 >= i) lo = i;
    else return;
  }
}

static void kd_split(const double *proj, int32_t *perm, keyed_t *scratch, int64_t n, int64_t unit) {
  if (n <= unit) return;
  int best = 0;
  double widest = -1;
  for (int d = 0; d < KNN_DIMS; d++) {
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
      const double v = proj[(int64_t)perm[i] * KNN_DIMS + d];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > widest) widest = hi - lo, best = d;
  }
  /* The split at a multiple of unit nearest the middle, so that every leaf but the last is full. */
  int64_t m = (n / 2 + unit / 2) / unit * unit;
  if (m < unit) m = unit; /* n > unit, so m < n */
  for (int64_t i = 0; i < n; i++) scratch[i] = (keyed_t){proj[(int64_t)perm[i] * KNN_DIMS + best], perm[i]};
  select_smallest(scratch, n, m);
  for (int64_t i = 0; i < n; i++) perm[i] = scratch[i].row;
  kd_split(proj, perm, scratch, m, unit);
  kd_split(proj, perm + m, scratch, n - m, unit);
}

int knn_kd_order(const double *proj, int64_t rows, int64_t unit, int32_t *perm) {
  keyed_t *scratch = malloc((size_t)(rows > 0 ? rows : 1) * sizeof(keyed_t));
  if (!scratch) return 0;
  for (int64_t i = 0; i < rows; i++) perm[i] = (int32_t)i;
  kd_split(proj, perm, scratch, rows, unit);
  free(scratch);
  return 1;
}

void knn_boxes(const double *proj, const int32_t *perm, int64_t rows, int64_t unit, int negate_low, const double *norm, double *boxes, double *max_norm) {
  const int64_t runs = (rows + unit - 1) / unit;
  for (int64_t r = 0; r < runs; r++) {
    double lo[KNN_DIMS], hi[KNN_DIMS], mn = 0;
    for (int d = 0; d < KNN_DIMS; d++) lo[d] = INFINITY, hi[d] = -INFINITY;
    for (int64_t i = r * unit; i < (r + 1) * unit && i < rows; i++) {
      const double *p = proj + (int64_t)perm[i] * KNN_DIMS;
      for (int d = 0; d < KNN_DIMS; d++) {
        if (p[d] < lo[d]) lo[d] = p[d];
        if (p[d] > hi[d]) hi[d] = p[d];
      }
      if (norm[perm[i]] > mn) mn = norm[perm[i]];
    }
    double *b = boxes + r * 2 * KNN_DIMS;
    for (int d = 0; d < KNN_DIMS; d++) {
      b[d] = negate_low ? -hi[d] : lo[d];
      b[KNN_DIMS + d] = negate_low ? lo[d] : -hi[d];
    }
    max_norm[r] = mn;
  }
}
