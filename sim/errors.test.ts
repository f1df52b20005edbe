import { describe, expect, it } from 'vitest';
import { alreadyExists, conflict, gone, internalError, invalid, notFound, tooManyRequests, unauthorized, unsupportedMediaType } from './errors';

describe('StatusError bodies', () => {
  it('NotFound for core and group resources', () => {
    expect(notFound('pods', 'x').toStatus()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404,
    });
    const s = notFound('authentications.config.openshift.io', 'cluster').toStatus();
    expect(s.message).toBe('authentications.config.openshift.io "cluster" not found');
    expect(s.details).toEqual({ name: 'cluster', group: 'config.openshift.io', kind: 'authentications' });
  });

  it('AlreadyExists, Conflict, Gone, TooManyRequests, Unauthorized, InternalError', () => {
    expect(alreadyExists('pods', 'x').toStatus()).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "x" already exists' });
    expect(conflict('pods', 'x').toStatus()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(gone('too old resource version: 5 (123)').toStatus()).toMatchObject({ code: 410, reason: 'Expired' });
    expect(tooManyRequests('slow down', 7).toStatus()).toMatchObject({ code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } });
    const u = unauthorized().toStatus();
    expect(u).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect(internalError('boom').toStatus()).toMatchObject({ code: 500, message: 'Internal error occurred: boom', details: { causes: [{ message: 'boom' }] } });
    expect(unsupportedMediaType(['a', 'b']).toStatus()).toMatchObject({ code: 415, reason: 'UnsupportedMediaType', message: 'the body of the request was in an unknown format - accepted media types include: a, b' });
  });

  it('Invalid with one and several causes', () => {
    const one = invalid('Pod', 'x', [{ field: 'spec.containers', message: 'Required value', reason: 'FieldValueRequired' }]).toStatus();
    expect(one.message).toBe('Pod "x" is invalid: spec.containers: Required value');
    expect(one.code).toBe(422);
    expect(one.details).toEqual({ name: 'x', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }] });
    const two = invalid('TokenRequest.authentication.k8s.io', 't', [
      { field: 'a', message: 'Required value' },
      { field: 'b', message: 'Invalid value: 1: bad' },
    ]).toStatus();
    expect(two.message).toBe('TokenRequest.authentication.k8s.io "t" is invalid: [a: Required value, b: Invalid value: 1: bad]');
    expect(two.details?.group).toBe('authentication.k8s.io');
    expect(two.details?.kind).toBe('TokenRequest');
    expect(two.details?.causes?.[1]?.reason).toBe('FieldValueInvalid');
  });
});
