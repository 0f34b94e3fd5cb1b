/** The part of jStat's API the statistics use (the package ships no type declarations). */
declare module 'jstat' {
  interface Distribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  export const jStat: {
    studentt: Distribution;
    normal: Distribution;
    chisquare: Distribution;
  };
}
