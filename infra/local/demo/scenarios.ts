import type { DemoScenario } from './scenario';

/** The scripted day: each flow issue adds its scenario here. */
export const DEMO_SCENARIOS: DemoScenario[] = [];
