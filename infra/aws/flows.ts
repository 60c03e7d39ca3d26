import { complaintFlow } from '../../workflows/complaint';
import { listingReviewFlow } from '../../workflows/listing-review';
import { memberCallbackFlow } from '../../workflows/member-callback';
import { membersDomain } from '../../workflows/members';
import { orderRoutingFlow } from '../../workflows/order-routing';
import { refundFlow } from '../../workflows/refund';
import { stockOutFlow } from '../../workflows/stock-out';
import type { FlowFactory } from './stacks/workflows-stack';

/** Every flow the platform deploys, and the domain constructs they build on (members). */
export const ALL_FLOWS: FlowFactory[] = [listingReviewFlow, orderRoutingFlow, stockOutFlow, refundFlow, complaintFlow, membersDomain, memberCallbackFlow];
