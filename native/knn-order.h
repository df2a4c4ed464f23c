/*
 * A spatial order for knn.c's exact search: rows sorted into the leaves of a k-d tree built on their projection
 * onto the data's leading principal directions, and each run of rows (a group of 8 points, a block of 4
 * queries) bounded by a box in that projection. A box-to-box distance is a lower bound on the distance of every
 * pair between two runs, which lets the search skip whole tiles. The order changes which pairs are computed
 * first, never a distance's bits, and the heaps keep the k smallest (distance, index) pairs whatever the order.
 */
#ifndef MLSD_NATIVE_KNN_ORDER_H
#define MLSD_NATIVE_KNN_ORDER_H
#include <stdint.h>

enum { KNN_DIMS = 4 };

/* The KNN_DIMS leading principal directions of x (rows x cols), as unit rows of basis (KNN_DIMS x cols); the
 * rows past cols are zero. */
void knn_basis(const double *x, int64_t rows, int64_t cols, double *basis);

/* proj[i] = basis . x[i], KNN_DIMS values a row. */
void knn_project(const double *x, int64_t rows, int64_t cols, const double *basis, double *proj);

/* perm: the rows in the leaf order of a k-d tree on proj whose leaves hold `unit` rows (the last may hold
 * fewer): each split is on the widest coordinate, at a multiple of unit. Returns 0 when out of memory. */
int knn_kd_order(const double *proj, int64_t rows, int64_t unit, int32_t *perm);

/*
 * The box of each run of `unit` rows of the order, 2 * KNN_DIMS values a run: for the point side
 * (negate_low = 0) lows then negated highs, for the query side (negate_low = 1) negated highs then lows, so
 * that the sum of a point box and a query box holds the two gaps of each coordinate, lo_p - hi_q and
 * lo_q - hi_p (see knn_box_bound). max_norm gets each run's largest squared norm (from norm, in row order).
 */
void knn_boxes(const double *proj, const int32_t *perm, int64_t rows, int64_t unit, int negate_low, const double *norm, double *boxes, double *max_norm);

#endif
