import { Construct } from 'constructs';
import { OrderPlaced } from '../events/order-placed';
import { ruleFor } from './constructs/event-rules';
import { stepFunction, type FlowResources } from './constructs/flow';

/**
 * Members (business rules §5): the member record kept from the platform's events, with its tier
 * by 12-month spend or orders; a tier change is announced (MemberTierChanged) and, going up, gives
 * that tier's coupon once. Member callbacks and churn recall build on it.
 */
export class MembersDomain extends Construct {
  constructor(scope: Construct, id: string, resources: FlowResources) {
    super(scope, id);
    const recordPurchase = stepFunction(this, 'RecordPurchase', 'functions/members/record-purchase/handler.ts', 'Counts an order in the member record; recomputes the tier', resources).bindEventBus(
      'EVENT_BUS_NAME',
      resources.bus,
    );
    ruleFor(this, 'PurchaseRule', OrderPlaced, recordPurchase, resources, 'OrderPlaced: the member record and tier');
  }
}

export const membersDomain = (scope: Construct, resources: FlowResources) => new MembersDomain(scope, 'Members', resources);
