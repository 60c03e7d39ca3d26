import type { DemoScenario } from './scenario';
import { aftersalesScenario } from './scenarios/aftersales';
import { ordersScenario } from './scenarios/orders';

/** The scripted day: each flow issue adds its scenario here. */
export const DEMO_SCENARIOS: DemoScenario[] = [ordersScenario, aftersalesScenario];
