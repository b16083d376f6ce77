/**
 * Why a test is skipped. Most skips mean this machine lacks something the test needs
 * (Chromium, Jupyter, a dataset, bubblewrap): the run lists them with their reasons, and
 * CI (NNCOURSE_TEST_NO_SKIPS=1) fails if any of them skips there. A few tests do not
 * apply to the machine by design (a permission check that root passes anyway, a check
 * for a Node that lacks a feature, an opt-in build): their reason starts with BY_DESIGN,
 * and CI accepts them skipped.
 */
export const BY_DESIGN = "by design: ";

/** The skip reason of a test that does not apply here, whatever is installed. */
export function byDesign(reason: string): string {
  return BY_DESIGN + reason;
}
