import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, DockerImage, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { CfnUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsoleSync } from '../../console/build';
import { consoleContentSecurityPolicy } from '../../console/security';
import type { ConsoleConfig } from '../../console/src/config';
import { repoPath } from '../../workflows/constructs/repo-paths';
import type { OpsApi } from './ops-api';

/** Where the console lives on its CloudFront domain: the same path as on the local platform. */
const BASE_PATH = 'console';

/**
 * The ops console in AWS: its files in a private S3 bucket that only the CloudFront distribution
 * reads (origin access control), HTTPS only, with security headers (CSP, HSTS, no framing, no
 * sniffing, no referrer). Sign-in is the user pool's hosted UI (authorization code with PKCE) for
 * the API's own client, which gets the console's address as its callback; the API allows the
 * console's origin (CORS). `config.json` beside the page tells the console the API URL and the user
 * pool's settings, written at deploy time.
 */
export class OpsConsole extends Construct {
  readonly url: string;

  constructor(scope: Construct, id: string, props: { stage: string; opsApi: OpsApi }) {
    super(scope, id);
    const stack = Stack.of(this);
    const retain = props.stage === 'prod';
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const site = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site-bucket/',
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const domain = props.opsApi.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: `shop-ops-${props.stage}-${stack.account}` } });
    const hostedUi = domain.baseUrl();
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Ops console: CSP, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleContentSecurityPolicy([`https://*.execute-api.${stack.region}.amazonaws.com`, `https://cognito-idp.${stack.region}.amazonaws.com`, hostedUi]),
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const distribution = new Distribution(this, 'Cdn', {
      comment: `Shop ${props.stage} ops console`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      defaultRootObject: `${BASE_PATH}/index.html`,
      // The console's own pages (/console/tasks/…) are not objects: S3 answers 403, the page handles the path.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: `/${BASE_PATH}/index.html`, ttl: Duration.seconds(10) })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cdn/',
    });
    this.url = `https://${distribution.distributionDomainName}/${BASE_PATH}/`;

    // The API's client signs in through the hosted UI and comes back to the console; the API lets the console call it.
    const client = props.opsApi.client.node.defaultChild as CfnUserPoolClient;
    client.allowedOAuthFlows = ['code'];
    client.allowedOAuthFlowsUserPoolClient = true;
    client.allowedOAuthScopes = ['openid', 'email', 'profile'];
    client.supportedIdentityProviders = ['COGNITO'];
    client.callbackUrLs = [this.url];
    client.logoutUrLs = [this.url];
    (props.opsApi.api.node.defaultChild as CfnApi).corsConfiguration = {
      allowOrigins: [`https://${distribution.distributionDomainName}`],
      allowHeaders: ['authorization', 'content-type'],
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      maxAge: 3600,
    };

    const config: ConsoleConfig = {
      apiUrl: props.opsApi.api.apiEndpoint,
      auth: {
        kind: 'cognito',
        authority: `https://cognito-idp.${stack.region}.amazonaws.com/${props.opsApi.userPool.userPoolId}`,
        domain: hostedUi,
        clientId: props.opsApi.client.userPoolClientId,
        redirectUri: this.url,
      },
    };
    new BucketDeployment(this, 'Files', {
      sources: [
        Source.asset(repoPath('console'), {
          // Built with esbuild in this process (no container): the same bundle the local platform serves.
          bundling: {
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
            local: {
              tryBundle(outputDir) {
                for (const [name, bytes] of buildConsoleSync()) {
                  mkdirSync(path.dirname(path.join(outputDir, name)), { recursive: true });
                  writeFileSync(path.join(outputDir, name), bytes);
                }
                return true;
              },
            },
          },
        }),
        Source.jsonData('config.json', config),
      ],
      destinationBucket: site,
      destinationKeyPrefix: `${BASE_PATH}/`,
      distribution,
      distributionPaths: [`/${BASE_PATH}/*`],
      memoryLimit: 512,
    });

    new CfnOutput(stack, 'ConsoleUrl', { value: this.url, description: 'The ops console' });

    Validations.of(this).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-S1', reason: 'The access-log bucket itself: logging it into itself would loop; the site bucket and the CDN log into it.' },
      { id: 'AwsSolutions::AwsSolutions-CFR1', reason: 'Ops people work from several countries; who may sign in is the user pool\'s business, not geography.' },
      { id: 'AwsSolutions::AwsSolutions-CFR2', reason: 'Static files only; the API behind the page has its own throttling and the user pool threat protection.' },
      { id: 'AwsSolutions::AwsSolutions-CFR4', reason: 'The default CloudFront domain allows TLS 1.0 clients; a custom domain with its certificate (TLS 1.2 minimum) is a deploy-time choice.' },
    );
    // BucketDeployment's function is one per stack (CDK's singleton), so its findings are the stack's.
    const siteArn = `<${stack.getLogicalId(site.node.defaultChild as CfnElement)}.Arn>/*`;
    Validations.of(stack).acknowledge(
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
        reason: "CDK's BucketDeployment copies the console's files: it reads the asset and replaces the site bucket's objects, with CDK's own action groups.",
      })),
      ...[siteArn, 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*'].map((resource) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
        reason: "BucketDeployment reads the console's asset from CDK's asset bucket and writes the objects of the site bucket, no other.",
      })),
    );
  }
}
