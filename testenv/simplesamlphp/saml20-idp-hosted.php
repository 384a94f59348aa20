<?php
// The SAML 2.0 IdP of frontdoor's testenv. Its entity ID is fixed; its endpoints
// in the metadata follow the Host it is reached at, like every other URL here.
$metadata['urn:frontdoor:testenv:simplesamlphp'] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.key',
    'certificate' => 'idp.crt',
    'auth' => 'ldap',
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    'authproc' => [
        // The NameID is the login (uid), so service providers know who signed in.
        10 => [
            'class' => 'saml:AttributeNameID',
            'attribute' => 'uid',
            'Format' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        ],
    ],
];
