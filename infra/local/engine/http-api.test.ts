import { describe, expect, it } from 'vitest';
import {
  buildEventV2,
  formatRequestTime,
  httpErrorBody,
  matchRoute,
  renderClaims,
  toHttpResponse,
  wwwAuthenticate,
  type EventV2Input,
  type HttpRoute,
} from './http-api';

const route = (routeKey: string): HttpRoute => ({ routeKey, target: routeKey, authorization: 'JWT' });

describe('matchRoute', () => {
  const routes = [
    '$default',
    'ANY /{proxy+}',
    'GET /tasks',
    'GET /tasks/{taskId}',
    'ANY /tasks/{taskId}',
    'POST /tasks/{taskId}/claim',
    'GET /tasks/mine',
    'GET /tasks/{proxy+}',
    'GET /pets/dog/1',
    'GET /pets/dog/{id}',
    'GET /pets/{proxy+}',
    'GET /a/{x}/c',
    'GET /a/b/{y}',
    'GET /',
  ].map(route);

  it.each([
    ['GET', '/tasks', 'GET /tasks', {}],
    ['GET', '/tasks/mine', 'GET /tasks/mine', {}],
    ['GET', '/tasks/t-1', 'GET /tasks/{taskId}', { taskId: 't-1' }],
    ['get', '/tasks/t-1', 'GET /tasks/{taskId}', { taskId: 't-1' }],
    ['DELETE', '/tasks/t-1', 'ANY /tasks/{taskId}', { taskId: 't-1' }],
    ['POST', '/tasks/t-1/claim', 'POST /tasks/{taskId}/claim', { taskId: 't-1' }],
    ['GET', '/tasks/t-1/claim', 'GET /tasks/{proxy+}', { proxy: 't-1/claim' }],
    ['PUT', '/tasks/t-1/claim', 'ANY /{proxy+}', { proxy: 'tasks/t-1/claim' }],
    ['GET', '/pets/dog/1', 'GET /pets/dog/1', {}],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+}', { proxy: 'cat/1' }],
    ['POST', '/pets/dog/1', 'ANY /{proxy+}', { proxy: 'pets/dog/1' }],
    ['GET', '/a/b/c', 'GET /a/b/{y}', { y: 'c' }],
    ['GET', '/a/z/c', 'GET /a/{x}/c', { x: 'z' }],
    ['GET', '/', 'GET /', {}],
    ['POST', '/', '$default', {}],
    ['GET', '/unknown/path', 'ANY /{proxy+}', { proxy: 'unknown/path' }],
  ])('%s %s → %s', (method, path, expected, params) => {
    const match = matchRoute(routes, method, path);
    expect(match?.route.routeKey).toBe(expected);
    expect(match?.pathParameters).toEqual(params);
  });

  it('ranks by specificity, not by declaration order', () => {
    const reversed = [...routes].reverse();
    expect(matchRoute(reversed, 'GET', '/tasks/mine')?.route.routeKey).toBe('GET /tasks/mine');
    expect(matchRoute(reversed, 'GET', '/tasks/t-1')?.route.routeKey).toBe('GET /tasks/{taskId}');
  });

  it('exact method beats ANY on the same path', () => {
    const r = ['ANY /orders/{id}', 'PATCH /orders/{id}'].map(route);
    expect(matchRoute(r, 'PATCH', '/orders/1')?.route.routeKey).toBe('PATCH /orders/{id}');
    expect(matchRoute(r, 'GET', '/orders/1')?.route.routeKey).toBe('ANY /orders/{id}');
  });

  it('returns undefined when nothing matches and there is no $default', () => {
    const r = ['GET /tasks', 'GET /tasks/{taskId}'].map(route);
    expect(matchRoute(r, 'GET', '/orders')).toBeUndefined();
    expect(matchRoute(r, 'POST', '/tasks')).toBeUndefined();
    expect(matchRoute(r, 'GET', '/tasks/')).toBeUndefined();
    expect(matchRoute(r, 'GET', '/tasks/a/b')).toBeUndefined();
  });

  it('does not let a greedy variable match an empty remainder', () => {
    const r = ['GET /files/{proxy+}'].map(route);
    expect(matchRoute(r, 'GET', '/files')).toBeUndefined();
    expect(matchRoute(r, 'GET', '/files/')).toBeUndefined();
  });

  it('URL-decodes path parameters', () => {
    const r = ['GET /tasks/{taskId}', 'GET /files/{proxy+}', 'GET /caf%C3%A9'].map(route);
    expect(matchRoute(r, 'GET', '/tasks/order%231%2Fa%20b')?.pathParameters).toEqual({ taskId: 'order#1/a b' });
    expect(matchRoute(r, 'GET', '/tasks/%E2%9C%93')?.pathParameters).toEqual({ taskId: '✓' });
    expect(matchRoute(r, 'GET', '/tasks/100%')?.pathParameters).toEqual({ taskId: '100%' });
    expect(matchRoute(r, 'GET', '/files/a%20b/c%2Bd')?.pathParameters).toEqual({ proxy: 'a b/c+d' });
    expect(matchRoute(r, 'GET', '/tasks/a+b')?.pathParameters).toEqual({ taskId: 'a+b' });
  });

  it('rejects malformed route keys', () => {
    expect(() => matchRoute([route('/tasks')], 'GET', '/tasks')).toThrow(/invalid route key/);
    expect(() => matchRoute([route('GET /{proxy+}/x')], 'GET', '/a/x')).toThrow(/greedy/);
  });
});

describe('buildEventV2', () => {
  const NOW = new Date('2030-03-05T07:08:09.123Z');
  const base: EventV2Input = {
    method: 'post',
    rawPath: '/tasks/t%201/complete',
    rawQueryString: 'a=1&a=2&b=x%20y&c=p+q&empty=',
    headers: {
      Host: 'localhost:3000',
      'User-Agent': 'ops-cli/1.0',
      'Content-Type': 'application/json; charset=utf-8',
      'X-Multi': ['one', 'two'],
      Cookie: 'session=abc; theme=dark',
      'X-Absent': undefined,
    },
    body: Buffer.from('{"outcome":"approved"}'),
    routeKey: 'POST /tasks/{taskId}/complete',
    pathParameters: { taskId: 't 1' },
    claims: {
      sub: 'rita',
      'cognito:groups': ['reviewer', 'ops-lead'],
      exp: 1900000000,
      email_verified: true,
    },
    now: NOW,
    sourceIp: '127.0.0.1',
    requestId: 'req-1',
  };

  it('builds the payload format 2.0 shape', () => {
    const event = buildEventV2(base);
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'POST /tasks/{taskId}/complete',
      rawPath: '/tasks/t%201/complete',
      rawQueryString: 'a=1&a=2&b=x%20y&c=p+q&empty=',
      cookies: ['session=abc', 'theme=dark'],
      headers: {
        host: 'localhost:3000',
        'user-agent': 'ops-cli/1.0',
        'content-type': 'application/json; charset=utf-8',
        'x-multi': 'one,two',
      },
      queryStringParameters: { a: '1,2', b: 'x y', c: 'p q', empty: '' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: {
          jwt: {
            claims: {
              sub: 'rita',
              'cognito:groups': '[reviewer ops-lead]',
              exp: '1900000000',
              email_verified: 'true',
            },
            scopes: null,
          },
        },
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method: 'POST', path: '/tasks/t%201/complete', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'ops-cli/1.0' },
        requestId: 'req-1',
        routeKey: 'POST /tasks/{taskId}/complete',
        stage: '$default',
        time: '05/Mar/2030:07:08:09 +0000',
        timeEpoch: NOW.getTime(),
      },
      pathParameters: { taskId: 't 1' },
      body: '{"outcome":"approved"}',
      isBase64Encoded: false,
    });
  });

  it('omits the authorizer, cookies, query and path parameters and body when absent', () => {
    const event = buildEventV2({
      ...base,
      method: 'GET',
      rawQueryString: '',
      headers: { host: 'api.example.test' },
      body: Buffer.alloc(0),
      routeKey: 'GET /health',
      pathParameters: {},
      claims: undefined,
      stage: 'dev',
    });
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('body');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext.stage).toBe('dev');
    expect(event.requestContext.domainPrefix).toBe('api');
    expect(event.requestContext.http.userAgent).toBe('');
  });

  it('passes route scopes through when given', () => {
    const event = buildEventV2({ ...base, scopes: ['ops/read'] });
    expect(event.requestContext.authorizer.jwt.scopes).toEqual(['ops/read']);
  });

  it.each([
    ['application/json', false],
    ['application/json; charset=utf-8', false],
    ['text/plain', false],
    ['text/csv', false],
    ['application/xml', false],
    ['application/javascript', false],
    ['application/octet-stream', true],
    ['image/png', true],
    ['application/x-www-form-urlencoded', true],
    [undefined, true],
  ])('content-type %s → isBase64Encoded %s', (contentType, base64) => {
    const bytes = Buffer.from([0x68, 0x69, 0xff, 0x00]);
    const event = buildEventV2({ ...base, headers: { 'content-type': contentType }, body: bytes });
    expect(event.isBase64Encoded).toBe(base64);
    expect(event.body).toBe(base64 ? bytes.toString('base64') : bytes.toString('utf8'));
  });

  it('formats requestTime like API Gateway, in UTC', () => {
    expect(formatRequestTime(new Date('2020-03-12T19:03:58.390Z'))).toBe('12/Mar/2020:19:03:58 +0000');
    expect(formatRequestTime(new Date('2031-12-01T00:00:00Z'))).toBe('01/Dec/2031:00:00:00 +0000');
  });
});

describe('renderClaims', () => {
  it('renders every claim as a string, arrays in API Gateway bracket form', () => {
    expect(
      renderClaims({
        'cognito:groups': ['reviewer', 'merchandiser', 'cs-agent'],
        single: ['finance'],
        none: [],
        username: 'rita',
        iat: 1700000000,
        ratio: 1.5,
        flag: false,
        nested: { b: 2, a: 'x' },
      }),
    ).toEqual({
      'cognito:groups': '[reviewer merchandiser cs-agent]',
      single: '[finance]',
      none: '[]',
      username: 'rita',
      iat: '1700000000',
      ratio: '1.5',
      flag: 'false',
      nested: 'map[a:x b:2]',
    });
  });
});

describe('toHttpResponse', () => {
  const json = { 'content-type': 'application/json' };

  it.each<[string, unknown, { statusCode: number; headers: Record<string, string>; body: string; cookies?: string[] }]>([
    ['plain object', { ok: true }, { statusCode: 200, headers: json, body: '{"ok":true}' }],
    ['array', [1, 2], { statusCode: 200, headers: json, body: '[1,2]' }],
    ['number', 42, { statusCode: 200, headers: json, body: '42' }],
    ['boolean', false, { statusCode: 200, headers: json, body: 'false' }],
    ['null', null, { statusCode: 200, headers: json, body: 'null' }],
    ['undefined (handler returned nothing)', undefined, { statusCode: 200, headers: json, body: 'null' }],
    ['string is sent verbatim', 'Hello from Lambda!', { statusCode: 200, headers: json, body: 'Hello from Lambda!' }],
    ['object with body but no statusCode', { body: 'x', headers: { a: 'b' } }, { statusCode: 200, headers: json, body: '{"body":"x","headers":{"a":"b"}}' }],
    [
      'structured response',
      { statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-Count': 3, 'X-Flag': true }, body: '{"id":"t-1"}' },
      { statusCode: 201, headers: { 'content-type': 'application/json', 'x-count': '3', 'x-flag': 'true' }, body: '{"id":"t-1"}' },
    ],
    ['structured without body or headers', { statusCode: 204 }, { statusCode: 204, headers: {}, body: '' }],
    [
      'structured with cookies',
      { statusCode: 200, cookies: ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2030 07:28:00 GMT'], body: 'ok' },
      { statusCode: 200, headers: {}, body: 'ok', cookies: ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2030 07:28:00 GMT'] },
    ],
    ['base64 body', { statusCode: 200, isBase64Encoded: true, body: Buffer.from('héllo').toString('base64') }, { statusCode: 200, headers: {}, body: 'héllo' }],
    ['statusCode not a number', { statusCode: '200', body: 'x' }, { statusCode: 500, headers: json, body: '{"message":"Internal Server Error"}' }],
    ['body not a string', { statusCode: 200, body: { a: 1 } }, { statusCode: 500, headers: json, body: '{"message":"Internal Server Error"}' }],
  ])('%s', (_name, result, expected) => {
    const response = toHttpResponse(result);
    expect(response).toMatchObject({ ...expected, cookies: expected.cookies ?? [] });
    expect(response.rawBody.toString('utf8')).toBe(expected.body);
  });

  it('keeps binary bytes intact in rawBody', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const response = toHttpResponse({ statusCode: 200, isBase64Encoded: true, body: bytes.toString('base64'), headers: { 'content-type': 'image/png' } });
    expect(response.rawBody.equals(bytes)).toBe(true);
  });
});

describe('gateway error bodies', () => {
  it('uses the bodies API Gateway sends itself', () => {
    expect(httpErrorBody(401, 'token expired')).toBe('{"message":"Unauthorized"}');
    expect(httpErrorBody(404, 'no route for GET /x')).toBe('{"message":"Not Found"}');
    expect(httpErrorBody(500, '')).toBe('{"message":"Internal Server Error"}');
    expect(httpErrorBody(418, 'teapot')).toBe('{"message":"teapot"}');
  });

  it('carries the authorizer reason in www-authenticate', () => {
    expect(wwwAuthenticate('token expired')).toBe('Bearer scope="" error="invalid_token" error_description="token expired"');
  });
});
