import type { DemoScenario } from './scenario';
import { aftersalesScenario } from './scenarios/aftersales';
import { listingsScenario } from './scenarios/listings';
import { ordersScenario } from './scenarios/orders';

/**
 * The scripted day: each flow issue adds its scenario here. They run in this order on one clock;
 * the listings scenario moves it on by 14 days, so it comes last.
 */
export const DEMO_SCENARIOS: DemoScenario[] = [ordersScenario, aftersalesScenario, listingsScenario];
