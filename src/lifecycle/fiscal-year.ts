/**
 * U.S. federal fiscal years (31 U.S.C. 1102): fiscal year N runs from October 1 of N-1 through
 * September 30 of N. The DHS Entry/Exit Overstay Report groups admissions by the fiscal year in
 * which their authorized stay ended (the expected departure date).
 */

/** The fiscal year of a 'YYYY-MM-DD' date: 2023-09-30 is FY2023, 2023-10-01 is FY2024. */
export function fiscalYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 10 ? year + 1 : year;
}
