/* path.h — file names */
#ifndef KKR_PATH_H
#define KKR_PATH_H

/* DIR/NAME, malloc'd, without a doubled '/' when dir ends in one; an absolute name is returned
 * as it is (a copy). NULL on out of memory. */
char *kkr_path_join(const char *dir, const char *name);

#endif
