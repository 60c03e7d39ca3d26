import type { DemoScenario } from './scenario';
import { ordersScenario } from './scenarios/orders';

/** The scripted day: each flow issue adds its scenario here. */
export const DEMO_SCENARIOS: DemoScenario[] = [ordersScenario];
