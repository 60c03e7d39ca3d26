import type { DemoScenario } from './scenario';
import { aftersalesScenario } from './scenarios/aftersales';
import { callbacksScenario } from './scenarios/callbacks';
import { listingsScenario } from './scenarios/listings';
import { ordersScenario } from './scenarios/orders';

/**
 * The scripted days: each flow issue adds its scenario here. They run in this order on one clock;
 * the callbacks take a week and the listings scenario moves it on by 14 days, so they come last.
 */
export const DEMO_SCENARIOS: DemoScenario[] = [ordersScenario, aftersalesScenario, callbacksScenario, listingsScenario];
