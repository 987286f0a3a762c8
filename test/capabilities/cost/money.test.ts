// The cost model's money: integer pico-dollars from decimal prices, tiers, one rounding per line, exact sums.
import { PRICES } from '../../../contracts/aws-prices';
import { costOf, formatUsd, perMillion, sum, usdToPico } from '../../../capabilities/cost/money';

test('decimal prices become exact pico-dollars, and a malformed one is refused', () => {
  expect(usdToPico('3.50')).toBe(3_500_000_000_000n);
  expect(usdToPico('0.0000133334')).toBe(13_333_400n);
  expect(usdToPico('1')).toBe(1_000_000_000_000n);
  expect(() => usdToPico('3,50')).toThrow('a price must be a decimal amount of dollars, got "3,50"');
  expect(() => usdToPico('-1')).toThrow();
});

test('API Gateway REST calls follow the volume tiers', () => {
  expect(formatUsd(costOf(PRICES.apiGatewayRestCall, 100_000_000))).toBe('$350.00');
  // 333 M at $3.50 + 667 M at $2.80 = $1,165.50 + $1,867.60
  expect(formatUsd(costOf(PRICES.apiGatewayRestCall, 1_000_000_000))).toBe('$3,033.10');
  // + 1 B at $2.38
  expect(formatUsd(costOf(PRICES.apiGatewayRestCall, 2_000_000_000))).toBe('$5,413.10');
});

test('fractional quantities: Lambda GB-seconds to the pico-dollar', () => {
  // 100 M invocations × 1 ms × 0.5 GB = 50,000 GB-s × $0.0000133334
  expect(costOf(PRICES.lambdaArmGbSecond, 50_000)).toBe(666_670_000_000n);
  expect(formatUsd(costOf(PRICES.lambdaArmGbSecond, 50_000), 4)).toBe('$0.6667');
});

test('a million lines of a tenth of a cent add up exactly, where floats drift', () => {
  const tenthOfACent = costOf(PRICES.sqsStandardRequest, 2_500); // $0.001
  expect(tenthOfACent).toBe(1_000_000_000n);
  const lines = Array.from({ length: 1_000_000 }, () => tenthOfACent);
  expect(sum(lines)).toBe(1_000_000_000_000_000n);
  expect(formatUsd(sum(lines))).toBe('$1,000.00');
  let float = 0;
  for (let i = 0; i < 1_000_000; i += 1) float += 0.001;
  expect(float).not.toBe(1_000); // what the integers avoid
});

test('per million requests, rounded half up to the pico-dollar; bad volumes refused', () => {
  expect(perMillion(3_500_000_000_000n * 100n, 100_000_000)).toBe(3_500_000_000_000n);
  expect(perMillion(1n, 3_000_000)).toBe(0n);
  expect(perMillion(2n, 3_000_000)).toBe(1n);
  expect(() => perMillion(1n, 0)).toThrow('requests must be a whole number above 0, got 0');
  expect(() => costOf(PRICES.wafRequest, -1)).toThrow('a quantity must be a finite number ≥ 0, got -1');
});

test('formatting rounds half up and groups thousands', () => {
  expect(formatUsd(5_000_000_000n, 2)).toBe('$0.01');
  expect(formatUsd(4_999_999_999n, 2)).toBe('$0.00');
  expect(formatUsd(1_234_567_890_000_000n, 3)).toBe('$1,234.568');
});
